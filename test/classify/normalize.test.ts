import { describe, expect, it } from 'vitest';
import { loadClassifier, normalize } from '../../src/classify/index.ts';

const classifier = loadClassifier();

describe('normalize', () => {
  it('converts Traditional to Simplified and says the input was Traditional', () => {
    const n = normalize('我朋友說他吃了藥不想活了');
    expect(n.text).toBe('我朋友说他吃了药不想活了');
    expect(n.traditional).toBe(true);
    expect(normalize('我朋友说他吃了药不想活了').traditional).toBe(false);
  });

  it('turns full-width forms into half-width', () => {
    expect(normalize('ＱＱ：１２３４５６７８，ＡＢＣ').text).toBe('QQ:12345678,ABC');
  });

  it('removes zero-width and decorative characters and joins spaced-out words', () => {
    expect(normalize('刷\u200b单返\u200d利').text).toBe('刷单返利');
    expect(normalize('刷 单 返 利，日★结').text).toBe('刷单返利,日结');
    expect(normalize('刷·单-返_利').text).toBe('刷单返利');
  });

  it('undoes the usual obfuscations of WeChat and QQ', () => {
    for (const form of ['V信', 'v信', '薇信', '威❤', '徽信', 'vx', 'VX', 'V❤️']) {
      expect(normalize(`加${form} abc12345`).text).toBe('加微信 abc12345');
    }
    expect(normalize('加扣扣 12345678').text).toBe('加QQ 12345678');
    expect(normalize('企鹅号 12345678').text).toBe('QQ 12345678');
  });

  it('turns digits written in Chinese or circled into ASCII digits inside numbers', () => {
    expect(normalize('电话一三八一二三四五六七八').text).toBe('电话13812345678');
    expect(normalize('①③⑧⓪⓪①③⑧⓪⓪⓪').text).toBe('13800138000');
    expect(normalize('幺三九〇〇〇〇一二三四').text).toBe('13900001234');
    // Short runs are words, not numbers.
    expect(normalize('一二三木头人').text).toBe('一二三木头人');
  });

  it('classifies every form of a message the same', () => {
    const forms = [
      '我要举报，有人在群里招人刷单返利，加微信 abc12345',
      '我要舉報，有人在群裡招人刷單返利，加微信 abc12345',
      '我要举报，有人在群里招人刷 单 返 利，加V信 abc12345',
      '我要举报，有人在群里招人刷★单返利，加薇信：ａｂｃ１２３４５',
    ];
    const results = forms.map((f) => classifier.classify(f));
    for (const r of results) {
      expect(r.intent).toBe('tip');
      expect(r.category).toBe('fraud');
      expect(r.entities.wechatIds).toEqual(['abc12345']);
    }
    expect(results.map((r) => r.traditional)).toEqual([false, true, false, false]);
  });
});
