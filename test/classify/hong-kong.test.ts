import { describe, expect, it } from 'vitest';
import { loadClassifier, normalize } from '../../src/classify/index.ts';

describe('Hong Kong variants', () => {
  it('normalizes characters the Taiwan table leaves alone (櫃枱 → 柜台), so the answer does not change', () => {
    const simp = '我外婆在柜台要取二十万给一个陌生人，银行的人拦着';
    const hk = '我外婆在櫃枱要取二十萬給一個陌生人，銀行的人攔着';
    expect(normalize(hk).text).toBe(normalize(simp).text);
    const c = loadClassifier();
    expect(c.classify(hk).intent).toBe(c.classify(simp).intent);
  });
});
