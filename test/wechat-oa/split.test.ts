import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitText } from '../../adapters/wechat-oa/split.ts';

describe('splitText', () => {
  it('leaves short text alone', () => {
    expect(splitText('你好', 2000)).toEqual(['你好']);
  });

  it('prefers line breaks and sentence ends near the limit', () => {
    expect(splitText('一二三四五六七八\n九十', 10)).toEqual(['一二三四五六七八\n', '九十']);
    expect(splitText('一二三四五六七八。九十一二', 10)).toEqual(['一二三四五六七八。', '九十一二']);
  });

  it('never exceeds the limit, never splits a surrogate pair, and loses nothing', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 500 }), fc.integer({ min: 1, max: 60 }), (text, max) => {
        const pieces = splitText(text, max);
        expect(pieces.join('')).toBe(text);
        for (const p of pieces) {
          expect(Array.from(p).length).toBeLessThanOrEqual(max);
          expect(p).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
        }
      }),
      { numRuns: 300 },
    );
  });
});
