/**
 * Property tests for src/privacy/mask.ts: maskText never leaves a mainland mobile, a valid 18-character
 * ID number or a Luhn-valid 16–19 digit card number in clear (ASCII or full-width digits, grouped or
 * not, anywhere in hostile text), never throws, and leaves text without digits unchanged.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idNumberValid, luhnValid } from '../../src/classify/entities.ts';
import { maskBankCard, maskHandle, maskIdCard, maskName, maskPhone, maskText } from '../../src/privacy/mask.ts';
import { anyString, hostileChar, timed } from './arbitraries.ts';

const digit = fc.integer({ min: 0, max: 9 }).map(String);
const digits = (n: number) => fc.array(digit, { minLength: n, maxLength: n }).map((a) => a.join(''));

export const mobileArb = fc.tuple(fc.integer({ min: 3, max: 9 }), digits(9)).map(([d, rest]) => `1${d}${rest}`);

const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
export const idArb = fc
  .tuple(fc.integer({ min: 1, max: 9 }), digits(5), fc.date({ min: new Date(Date.UTC(1900, 0, 1)), max: new Date(Date.UTC(2099, 11, 31)), noInvalidDate: true }), digits(3))
  .map(([a, region, d, seq]) => {
    const body = `${a}${region}${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}${seq}`;
    let sum = 0;
    for (let i = 0; i < 17; i++) sum += Number(body[i]) * W[i]!;
    return body + '10X98765432'[sum % 11]!;
  });

export const cardArb = fc.integer({ min: 16, max: 19 }).chain((n) =>
  digits(n - 1).map((body) => {
    for (let c = 0; c <= 9; c++) if (luhnValid(body + c)) return body + c;
    throw new Error('unreachable');
  }),
);

const SEPS = [' ', '-', '\u3000', '－'];
const toFullWidth = (s: string) => s.replace(/[0-9X]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

/** Writes a number the ways people do: plain, grouped 3-4-4 / 4-4-4-4, random single gaps, full-width, +86. */
function formatted(kind: 'mobile' | 'id' | 'card', n: string): fc.Arbitrary<string> {
  const gaps = fc.array(fc.tuple(fc.boolean(), fc.constantFrom(...SEPS)), { minLength: n.length - 1, maxLength: n.length - 1 }).map((g) =>
    [...n].map((ch, i) => (i > 0 && g[i - 1]![0] ? g[i - 1]![1] : '') + ch).join(''),
  );
  const grouped = fc.constantFrom(...SEPS).map((sep) => (kind === 'mobile' ? `${n.slice(0, 3)}${sep}${n.slice(3, 7)}${sep}${n.slice(7)}` : n.match(/.{1,4}/g)!.join(sep)));
  const base = fc.oneof(fc.constant(n), grouped, gaps);
  return fc.tuple(base, fc.boolean(), kind === 'mobile' ? fc.constantFrom('', '+86', '86', '+86 ', '86-', '＋８６') : fc.constant('')).map(([s, fw, prefix]) => prefix + (fw ? toFullWidth(s) : s));
}

/**
 * Context: hostile text with no digit of any script, holding at least one character that is not a
 * single gap (space, dash): two numbers with only a gap between them are one digit run to the
 * classifier (and to a reader), so neither stands on its own.
 */
const context = fc
  .tuple(fc.array(hostileChar, { maxLength: 6 }), fc.constantFrom('，', 'a', '号', '\n', '  ', ':', '（', 'X'), fc.array(hostileChar, { maxLength: 6 }))
  .map(([a, mid, b]) => `${a.join('')}${mid}${b.join('')}`.replace(/[\p{Nd}\u2460-\u24ff\u2776-\u2793]/gu, ''))
  .filter((s) => !/^[ \-\u3000\uFF0D]?$/.test(s));

const planted = fc.oneof(
  mobileArb.chain((n) => formatted('mobile', n).map((text) => ({ n, text }))),
  idArb.chain((n) => formatted('id', n).map((text) => ({ n, text }))),
  cardArb.chain((n) => formatted('card', n).map((text) => ({ n, text }))),
);

/** The output's digits as a reader would join them: full-width → ASCII, single gaps and prefixes dropped. */
const joined = (s: string) => s.replace(/[\uFF10-\uFF19\uFF38\uFF58]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/[ \-\u3000\uFF0D]/g, '').toUpperCase();

describe('maskText (property)', () => {
  it('never leaves a planted mobile, ID number or card number in clear', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(context, planted), { minLength: 1, maxLength: 4 }), context, (parts, tail) => {
        const text = parts.map(([c, p]) => c + p.text).join('') + tail;
        const out = maskText(text);
        for (const [, p] of parts) expect(joined(out), `${p.n} in ${JSON.stringify(out)}`).not.toContain(p.n.toUpperCase());
      }),
      { numRuns: 5000 },
    );
  });

  it('regression: a card number right after a plus sign (read as a +86 prefix) is masked', () => {
    const out = maskText('，＋８６００ ００００ ００００ ００００ ９，0000000000000000，');
    expect(joined(out)).not.toContain('86000000000000009');
    expect(out).toBe('，****0009，****0000，');
  });

  it('generators are sound: IDs validate, cards pass Luhn', () => {
    fc.assert(fc.property(idArb, cardArb, (id, card) => {
      expect(idNumberValid(id) && luhnValid(card)).toBe(true);
    }), { numRuns: 500 });
  });

  it('never throws, is fast on huge input, and leaves text without digits unchanged', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const { value, ms } = timed(() => maskText(s));
        expect(ms).toBeLessThan(1000);
        if (!/[0-9\uFF10-\uFF19]/.test(s)) expect(value).toBe(s);
      }),
      { numRuns: 1000 },
    );
  });

  it('is stable: masking masked text changes nothing', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(context, planted), { minLength: 1, maxLength: 3 }), (parts) => {
        const once = maskText(parts.map(([c, p]) => c + p.text).join(''));
        expect(maskText(once)).toBe(once);
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps the documented shapes (existing behaviour)', () => {
    expect(maskText('骗子电话13812345678，身份证110101199003071234，卡号6222021234567890123')).toBe('骗子电话138****5678，身份证110101********1234，卡号****0123');
    expect(maskText('１３８１２３４５６７８')).toBe('138****5678');
    expect(maskText('1381 234 5678')).toBe('138****5678');
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskIdCard('110101199003071234')).toBe('110101********1234');
    expect(maskBankCard('6222 0212 3456 7890')).toBe('****7890');
    expect(maskName('张三丰')).toBe('张**');
    expect(maskHandle('oCitizen123')).toBe('oC***23');
  });

  it('the single-value helpers are total', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        for (const f of [maskPhone, maskIdCard, maskBankCard, maskName, maskHandle]) expect(typeof f(s)).toBe('string');
      }),
      { numRuns: 300 },
    );
  });
});
