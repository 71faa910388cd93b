import { describe, expect, it } from 'vitest';
import { loadClassifier } from '../../src/classify/index.ts';

const classifier = loadClassifier();

describe('emergency stage', () => {
  it.each([
    ['我朋友说他吃了药不想活了', 'self_harm'],
    ['我現在在樓頂，不想活了', 'self_harm'],
    ['有人在贴吧说要炸学校', 'violent_threat'],
    ['我前夫拿着刀在门口，说要杀了我全家', 'violent_threat'],
    ['我正在转账，对方说是公安局的，让我转到安全账户', 'fraud'],
    ['对方让我开屏幕共享，说要帮我退款', 'fraud'],
    ['对方让我下载会议软件', 'fraud'],
    ['我被困在电梯里了', 'other'],
    ['我女儿被人绑架了，对方要赎金', 'other'],
    ['我奶奶走失了，到现在没找到', 'other'],
  ])('fires on 「%s」 (%s)', (text, category) => {
    const c = classifier.classify(text);
    expect(c.intent).toBe('emergency');
    expect(c.category).toBe(category);
  });

  it.each([
    '笑死我了哈哈哈',
    '今天加班累死了',
    '救命这题好难',
    '气死我了，外卖又送错了',
    '想死你了',
    '这部电影里反派要炸大楼，看得好紧张',
    '游戏里又被人杀了，队友太坑',
    '小说里女主被绑架了',
    '拼多多帮我砍一刀',
    '这个价格简直是跳楼价',
    '上个月对方让我开屏幕共享，骗走了两万，能追回吗',
    '骗子叫我共享屏幕，我没理他直接挂断了',
    '群里说有人在学校门口放了炸弹，是真的吗？',
  ])('does not fire on 「%s」', (text) => {
    expect(classifier.classify(text).intent).not.toBe('emergency');
  });
});
