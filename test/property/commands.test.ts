/** Property tests: parseCommand never throws, answers null or a known command, and round-trips approvals. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/review/commands.ts';
import { anyString, hostileString, timed } from './arbitraries.ts';

const NAMES = new Set(['approve', 'approve_all', 'reject', 'edit', 'forward', 'warn', 'pending', 'label', 'block', 'unblock', 'duty', 'officer', 'tpl', 'rebuttal', 'report', 'case', 'help', 'invalid']);
const WORDS = ['/approve', '/ok', '/a', '批准', '同意', '/reject', '驳回', '/edit', '修改', '/forward', '转办', '/warn', '警示', '/pending', '待审', '/label', '/block', '拉黑', '/unblock', '/duty', '值班', '/officer', '/tpl', '模板', '/rebuttal', '/report', '报表', '/case', '案件', '/help', '帮助', '/nope', '/approve@netpatrol_bot', '/APPROVE'];
const code = fc.stringMatching(/^[A-Za-z0-9-]{4,36}$/);
const space = fc.constantFrom(' ', '  ', '\t', '\u3000', ' \u3000 ');

function check(text: string): void {
  const { value, ms } = timed(() => parseCommand(text));
  expect(ms).toBeLessThan(500);
  if (value === null) return;
  expect(NAMES.has(value.name)).toBe(true);
  if (value.name === 'invalid') expect(value.message.length).toBeGreaterThan(0);
}

describe('parseCommand (property)', () => {
  it('never throws on any text and returns null or a known command', () => {
    fc.assert(fc.property(anyString, (s) => check(s)), { numRuns: 1500 });
  });

  it('never throws on command-shaped text with hostile arguments', () => {
    const line = fc.tuple(fc.constantFrom(...WORDS), space, fc.array(fc.oneof(code, hostileString(30), fc.constantFrom('all', '全部', 'receipt', 'rumor', 'case', 'telegram:1@2', 'on', 'off', '2026-11', 'none', 'tip/fraud', 'x/y/z')), { maxLength: 5 }))
      .map(([w, sp, args]) => `${w}${sp}${args.join(' ')}`);
    fc.assert(fc.property(line, (s) => check(s)), { numRuns: 3000 });
  });

  it('round-trips 批准 CODE and /approve CODE (any spacing, full-width space)', () => {
    fc.assert(
      fc.property(code, space, fc.constantFrom('', ' ', '\n', '\u3000'), fc.constantFrom('批准', '/approve', '/ok', '同意', '通过'), (c, sp, tail, word) => {
        expect(parseCommand(`${word}${sp}${c}${tail}`)).toEqual({ name: 'approve', ref: c });
      }),
      { numRuns: 1000 },
    );
  });

  it('round-trips reject, edit and forward with their free text', () => {
    const free = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).map((s) => s.trim()).filter((s) => s.length > 0 && !/\s/.test(s[0]!));
    fc.assert(
      fc.property(code, free, (c, t) => {
        expect(parseCommand(`驳回 ${c} ${t}`)).toEqual({ name: 'reject', ref: c, reason: t });
        expect(parseCommand(`/edit ${c} ${t}`)).toEqual({ name: 'edit', ref: c, text: t });
        expect(parseCommand(`转办 ${c} ${t}`)).toEqual({ name: 'forward', ref: c, department: t });
      }),
      { numRuns: 500 },
    );
  });

  it('ordinary chatter that does not start with a command word is never a command', () => {
    fc.assert(
      fc.property(hostileString(80).filter((s) => !/^[\s\u3000]*\//.test(s) && !/^[\s\u3000]*[\u4e00-\u9fff]{2,4}([ \t]|$)/.test(s) && !/^[\s\u3000]*[A-Za-z]+(@\w+)?([ \t]|$)/.test(s)), (s) => {
        expect(parseCommand(s)).toBeNull();
      }),
      { numRuns: 1000 },
    );
  });
});

describe('parseCommand regressions found by the properties', () => {
  it('keeps full-width spaces inside the free text, and still accepts them as separators', () => {
    expect(parseCommand('驳回 A-AA !　!')).toEqual({ name: 'reject', ref: 'A-AA', reason: '!　!' });
    expect(parseCommand('批准　A7F3')).toEqual({ name: 'approve', ref: 'A7F3' });
  });
});
