import { describe, expect, it } from 'vitest';
import { loadClassifier } from '../../src/classify/index.ts';
import { detectEmergency, normalize } from '../../src/classify/index.ts';

const classifier = loadClassifier();
const emergencyOf = (text: string) => detectEmergency(normalize(text).text.toLowerCase());

describe('emergency stage: phrasings a cyber-police account receives', () => {
  it.each([
    // self-harm, direct and indirect, Traditional, typos, pinyin and abbreviations
    ['不想活了', 'self_harm'],
    ['活着没意思', 'self_harm'],
    ['我想结束这一切', 'self_harm'],
    ['遗书都写好了', 'self_harm'],
    ['我刚吃了一瓶安眠药', 'self_harm'],
    ['我现在站在楼顶', 'self_harm'],
    ['我割腕了', 'self_harm'],
    ['好想zs', 'self_harm'],
    ['我想s了', 'self_harm'],
    ['活著好累，我想結束自己的生命', 'self_harm'],
    ['我真的不想或了', 'self_harm'],
    ['人间不值得，我先走一步了', 'self_harm'],
    ['我朋友发朋友圈说要跳楼', 'self_harm'],
    // threats
    ['明天带刀去学校', 'violent_threat'],
    ['我要炸了政府大楼', 'violent_threat'],
    ['我要报复社会', 'violent_threat'],
    ['有人往人群里开车，撞了好多人', 'violent_threat'],
    // a fraud in progress
    ['对方让我开屏幕共享', 'fraud'],
    ['我正在往安全账户转钱', 'fraud'],
    ['让我下载会议app，还在通话中', 'fraud'],
    ['对方说我的贷款被冻结了，要我先交解冻费，我在转', 'fraud'],
    // missing, abducted, trapped
    ['我妈被关在传销窝点', 'other'],
    ['孩子放学没回家，电话手表也打不通', 'other'],
    ['被困在山上，手机快没电了', 'other'],
    ['被人关在屋里，出不去', 'other'],
    ['我的孩子在商场里被一个女的抱走了', 'other'],
  ])('fires on 「%s」 (%s)', (text, category) => {
    const c = classifier.classify(text);
    expect(c.intent).toBe('emergency');
    expect(c.category).toBe(category);
  });

  it.each([
    // hyperbole
    '笑死',
    '累死了',
    '热死了',
    '救命这题好难',
    '我死了，又被对面打爆了',
    '穷得想死，发工资还有十天',
    '今天健身练腿练到不想活了哈哈哈',
    '今天的会开到我想跳楼',
    // film, novel, game
    '电影最后女主从楼顶跳下去了，我哭得好惨',
    '这本书讲一个少年被困在孤岛上的故事',
    '今晚我要把这个副本的boss砍了',
    // news and the past
    '新闻说昨天某地一男子持刀伤人，已被警方抓获',
    '三年前我被困在电梯里过一次，现在都不敢一个人坐电梯',
    '我以前得过抑郁症，有过轻生的想法，现在已经好了',
    // jokes and retractions
    '今天被老师骂惨了，不想活了哈哈开玩笑的',
    // asking about the law or what to do
    '说要炸学校的人会判几年',
    '被困电梯应该怎么自救',
    '请问安全账户是什么意思',
    // frauds already over, status queries
    '上个月被骗了三万，还能追回吗',
    '昨天差点被骗，对方让我开屏幕共享，我直接挂了',
    '我上次举报的那个人要杀人的帖子，处理了吗',
    // ordinary life
    '我在桥上等公交',
    '今天吃了一瓶酸奶',
    '老师让我们下载钉钉开会',
    '我正在给房东转房租',
    '雨太大了，被困在公司，等雨停再走',
    '最后一天上班，谢谢大家的照顾，再见了各位',
  ])('does not fire on 「%s」', (text) => {
    expect(classifier.classify(text).intent).not.toBe('emergency');
  });

  it('a live danger named next to a law question still fires', () => {
    expect(emergencyOf('有人在群里说现在就去学校砍人，这算犯罪吗')?.category).toBe('violent_threat');
  });

  it('two weak self-harm cues together fire, one alone does not', () => {
    expect(emergencyOf('生无可恋，准备去河边')).not.toBeNull();
    expect(emergencyOf('生无可恋')).toBeNull();
  });
});
