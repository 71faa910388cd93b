import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeHtml, splitMessage } from '../../adapters/telegram/text.ts';
import { encodeCallbackData, parseCallbackData } from '../../adapters/telegram/callback-data.ts';
import { PermanentError } from '../../src/errors.ts';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const INSIDE_ENTITY = /&[#A-Za-z0-9]*$/;

describe('splitMessage', () => {
  it('prefers paragraph, then line, then sentence boundaries', () => {
    const para = `${'甲'.repeat(60)}\n\n${'乙'.repeat(30)}`;
    expect(splitMessage(para, 80)).toEqual(['甲'.repeat(60), '乙'.repeat(30)]);
    const line = `${'甲'.repeat(30)}\n${'乙'.repeat(30)}。${'丙'.repeat(30)}`;
    expect(splitMessage(line, 70)).toEqual(['甲'.repeat(30), `${'乙'.repeat(30)}。${'丙'.repeat(30)}`]);
    const sentence = `${'甲'.repeat(40)}。${'乙'.repeat(40)}`;
    expect(splitMessage(sentence, 60)).toEqual([`${'甲'.repeat(40)}。`, '乙'.repeat(40)]);
  });

  it('keeps a family emoji (a ZWJ cluster) whole at a hard cut', () => {
    const text = `${'a'.repeat(18)}👨‍👩‍👧${'b'.repeat(10)}`;
    const parts = splitMessage(text, 20);
    expect(parts[0]).toBe('a'.repeat(18));
    expect(parts.join('')).toBe(text);
  });

  it('never exceeds the limit, never cuts a surrogate pair or an entity, and loses only whitespace (property)', () => {
    const withBreaks = fc.constantFrom('警', '示', 'a', ' ', '\n', '\n\n', '。', '😀', '👍🏽', '&', '<', '>', '，');
    // No break characters and rare entities: forces hard cuts that land inside `&amp;` and emoji.
    const withoutBreaks = fc.oneof({ weight: 12, arbitrary: fc.constantFrom('警', 'a', '😀', '👍🏽') }, { weight: 1, arbitrary: fc.constantFrom('&', '<', '>') });
    fc.assert(
      fc.property(fc.oneof(fc.array(withBreaks, { maxLength: 400 }), fc.array(withoutBreaks, { maxLength: 400 })), fc.integer({ min: 16, max: 90 }), (pieces, limit) => {
        const text = escapeHtml(pieces.join(''));
        const parts = splitMessage(text, limit);
        for (const p of parts) {
          expect(p.length).toBeLessThanOrEqual(limit);
          expect(p.length).toBeGreaterThan(0);
          expect(LONE_SURROGATE.test(p)).toBe(false);
          expect(INSIDE_ENTITY.test(p)).toBe(false);
        }
        expect(parts.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
      }),
      { numRuns: 400 },
    );
  });

  it('returns short texts unchanged and refuses a silly limit', () => {
    expect(splitMessage('你好', 4096)).toEqual(['你好']);
    expect(() => splitMessage('x', 3)).toThrow(RangeError);
  });
});

describe('escapeHtml', () => {
  it('escapes &, < and > (in that order)', () => {
    expect(escapeHtml('<b>&amp;</b>')).toBe('&lt;b&gt;&amp;amp;&lt;/b&gt;');
  });
});

describe('callback data', () => {
  it('round-trips, stays within 64 bytes, and refuses what we did not issue', () => {
    const data = encodeCallbackData('forward', 'A7F3');
    expect(data).toBe('r:forward:A7F3');
    expect(parseCallbackData(data)).toEqual({ action: 'forward', shortCode: 'A7F3' });
    expect(parseCallbackData('r:delete:A7F3')).toBeNull();
    expect(parseCallbackData('approve A7F3')).toBeNull();
    expect(() => encodeCallbackData('approve', 'X'.repeat(60))).toThrow(PermanentError);
    expect(() => encodeCallbackData('approve', 'a:b')).toThrow(PermanentError);
  });
});
