import { describe, expect, it } from 'vitest';
import { loadClassifier } from '../../src/classify/index.ts';

const classifier = loadClassifier();
/** The reply policy sends replies below this confidence to an officer. */
const OFFICER_REVIEW_BELOW = 0.55;

describe('explicit tips (举报) and what confidence means', () => {
  it('「我要举报」 is a tip, not a status query, with low confidence (what is reported is unknown)', () => {
    const c = classifier.classify('我要举报');
    expect(c.intent).toBe('tip');
    expect(c.category).toBeNull();
    expect(c.confidence).toBeLessThan(OFFICER_REVIEW_BELOW);
  });

  it('「举报」 alone is a tip with low confidence', () => {
    const c = classifier.classify('举报');
    expect(c.intent).toBe('tip');
    expect(c.confidence).toBeLessThan(OFFICER_REVIEW_BELOW);
  });

  it.each([
    ['我要举报有人在网上卖假口罩', 'other'],
    ['我要举报这个人在朋友圈卖假烟', 'other'],
    ['举报一个卖伪劣奶粉的微商', 'other'],
    ['我要举报，这个群在卖银行卡和身份证信息', 'personal_data'],
    ['举报！有人在群里发黄色视频', 'pornography'],
  ])('「%s」 is a confident tip (%s)', (text, category) => {
    const c = classifier.classify(text);
    expect(c.intent).toBe('tip');
    expect(c.category).toBe(category);
    expect(c.confidence).toBeGreaterThanOrEqual(0.6);
  });

  it('asking about an earlier report is still a status query; asking how to report is a consultation', () => {
    expect(classifier.classify('我之前举报的那个案子有结果了吗').intent).toBe('status');
    expect(classifier.classify('怎么举报网上的赌博网站').intent).toBe('consult');
  });

  it('confidence is in [0, 1] and high for clear chit-chat and status queries', () => {
    for (const text of ['你好', '查询 NP20261122000123']) {
      const c = classifier.classify(text);
      expect(c.confidence).toBeGreaterThanOrEqual(OFFICER_REVIEW_BELOW);
      expect(c.confidence).toBeLessThanOrEqual(1);
    }
  });
});
