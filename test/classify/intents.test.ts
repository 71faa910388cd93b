import { describe, expect, it } from 'vitest';
import { ClassificationSchema } from '../../src/domain/schemas.ts';
import { loadClassifier } from '../../src/classify/index.ts';

const classifier = loadClassifier();

describe('intent and category', () => {
  it.each([
    ['查询 NP20261122000123', 'status', null],
    ['查詢案件進度', 'status', null],
    ['你好', 'chitchat', null],
    ['谢谢警察叔叔', 'chitchat', null],
    ['今天天气怎么样', 'chitchat', null],
    ['是真的吗', 'verify', null],
    ['求证一下这个消息', 'verify', null],
    ['有官方辟谣吗', 'verify', null],
    ['群里说明天全市停水三天，是真的吗？', 'verify', 'rumor'],
    ['被骗了两百块钱能立案吗，去哪里报案？', 'consult', 'fraud'],
    ['去哪里报案？', 'consult', null],
    ['我要举报，这个群在卖银行卡和身份证信息', 'tip', 'personal_data'],
    ['有人在网上卖仿真枪和子弹', 'tip', 'weapons'],
    ['有人在QQ群卖冰毒和K粉', 'tip', 'drugs'],
    ['我们公司网站被黑客入侵了，首页被篡改', 'tip', 'hacking'],
    ['永利娱乐城 真人百家乐 首存送彩金 网址 yl8866.com', 'tip', 'gambling'],
    ['酒店上门服务 学生妹 满意付款 无需定金', 'tip', 'pornography'],
  ])('「%s」 → %s / %s', (text, intent, category) => {
    const c = classifier.classify(text, 'x1');
    expect(c.intent).toBe(intent);
    expect(c.category).toBe(category);
  });

  it('answers in the contract shape', () => {
    const c = classifier.classify('举报 13812345678 刷单诈骗，骗了我200块', 'm-1');
    expect(ClassificationSchema.parse(c)).toEqual(c);
    expect(c).toMatchObject({ id: 'm-1', rebuttal: null, traditional: false });
    expect(c.entities.phones).toEqual(['13812345678']);
    expect(c.entities.amounts).toEqual([200]);
    expect(c.confidence).toBeGreaterThan(0);
    expect(c.confidence).toBeLessThanOrEqual(1);
  });

  it('leaves out the id when none is given', () => {
    expect('id' in classifier.classify('你好')).toBe(false);
  });
});
