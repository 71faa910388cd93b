/**
 * Property tests: parseTemplateSource either returns a definition or throws UserFacingError
 * (invalid_template); setTemplate stores nothing when it refuses; `---js` front matter is never run.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserFacingError } from '../../src/errors.ts';
import { parseTemplateSource, setTemplate, storedVersionCount } from '../../src/replies/templates.ts';
import { tempStore, type TempStore } from '../support/store.ts';
import { anyString, hostileString, timed } from './arbitraries.ts';

const yamlValue = fc.oneof(
  hostileString(20).map((s) => JSON.stringify(s)),
  fc.constantFrom('receipt', 'receipt.fraud', 'auto', 'required', '[tip]', '[fraud, none]', '{a: 1}', '&a [1,2]', '*a', '!!js/function "function(){}"', '!!binary aGk=', '~', '.nan', '1e400', '[[[[[[]]]]]]', '"\\ud800"', '|\n  x', '? a\n: b'),
);
const frontKeys = fc.constantFrom('key', 'kind', 'intents', 'categories', 'locale', 'approval', 'variables', 'description', '__proto__', 'constructor', 'extra');
const front = fc.array(fc.tuple(frontKeys, yamlValue), { maxLength: 8 }).map((kv) => kv.map(([k, v]) => `${k}: ${v}`).join('\n'));
const liquidBody = fc.array(
  fc.oneof(hostileString(30), fc.constantFrom('{{ caseNumber }}', '{{ nope }}', '{{', '}}', '{%', '%}', '{% if caseNumber %}x{% endif %}', '{% for a in b %}', '{{ caseNumber | upcase }}', '{{ caseNumber | evil }}', '{% include "x" %}', '{% raw %}', '{% comment %}', '{{ a.b.c[0]["d"] }}', '{% assign x = caseNumber %}{{ x }}')),
  { maxLength: 10 },
).map((p) => p.join(''));
const source = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom('---', '---yaml', '---json', '---js', '---javascript', '--- js', '---toml', '---coffee'), front, liquidBody).map(([open, f, b]) => `${open}\n${f}\n---\n${b}`) },
  { weight: 1, arbitrary: anyString },
  { weight: 1, arbitrary: liquidBody.map((b) => `---\nkey: receipt.prop\nkind: receipt\n---\n${b}`) },
);

function check(id: string, src: string): void {
  const { ms } = timed(() => {
    try {
      const def = parseTemplateSource(id, src);
      expect(def.id).toBe(id);
      expect(def.body.trim().length).toBeGreaterThan(0);
    } catch (err) {
      expect(err).toBeInstanceOf(UserFacingError);
      expect((err as UserFacingError).code).toBe('invalid_template');
    }
  });
  expect(ms).toBeLessThan(2000);
}

describe('parseTemplateSource (property)', () => {
  it('returns a definition or throws invalid_template, for hostile sources', () => {
    fc.assert(fc.property(fc.constantFrom('receipt.prop', 'receipt.prop.zh-Hant', 'Bad Id', ''), source, (id, src) => check(id, src)), { numRuns: 1500 });
  });

  it('never evaluates ---js / ---javascript front matter (gray-matter would eval it)', () => {
    const g = globalThis as { __npPwned?: number };
    g.__npPwned = 0;
    for (const open of ['---js', '---javascript', '--- js', '---JS']) {
      const src = `${open}\n({ key: (globalThis.__npPwned += 1, "receipt.prop"), kind: "receipt" })\n---\n您好 {{ caseNumber }}\n`;
      expect(() => parseTemplateSource('receipt.prop', src)).toThrow(UserFacingError);
    }
    expect(g.__npPwned).toBe(0);
  });

  it('accepts a valid template with any plain body text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }).filter((s) => s.trim() !== '' && !/[{}%]/.test(s) && !s.includes('---')), (body) => {
        const def = parseTemplateSource('receipt.prop', `---\nkey: receipt.prop\nkind: receipt\nvariables: [caseNumber]\n---\n${body}\n{{ caseNumber }}`);
        expect(def.kind).toBe('receipt');
      }),
      { numRuns: 300 },
    );
  });
});

describe('setTemplate validation (property)', () => {
  let store: TempStore;
  beforeAll(() => {
    store = tempStore();
  });
  afterAll(() => store.cleanup());

  it('refused sources store nothing; accepted ones add exactly one version', () => {
    fc.assert(
      fc.property(fc.constantFrom('receipt.fraud', 'receipt.prop'), source, (key, src) => {
        const before = storedVersionCount(store);
        let ok = false;
        try {
          setTemplate(store, key, src, 'prop-test');
          ok = true;
        } catch (err) {
          expect(err).toBeInstanceOf(UserFacingError);
        }
        expect(storedVersionCount(store)).toBe(before + (ok ? 1 : 0));
      }),
      { numRuns: 400 },
    );
  });
});
