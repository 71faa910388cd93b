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

  it('reads written Cantonese as Mandarin (唔见咗 → 不见了), so a lost child is an emergency', () => {
    expect(normalize('我個仔唔見咗成個鐘，喺商場搵唔到').text).toBe('我个仔不见了成个钟,在商场找不到');
    // Mandarin words that share characters with Cantonese ones are left alone.
    expect(normalize('这边度假的一个女孩很仔细，唔').text).toBe('这边度假的一个女孩很仔细,不');
    expect(normalize('佢哋冇嚟').text).toBe('他们没来');
    // 「唔该」 is "thank you", not 「不该」.
    expect(normalize('唔該晒阿sir').text).toBe('谢谢晒阿sir');
    const c = loadClassifier();
    expect(c.classify('我個仔唔見咗成個鐘，喺商場搵唔到').intent).toBe('emergency');
    expect(c.classify('唔該晒阿sir').intent).toBe('chitchat');
  });
});
