/**
 * Varied citizen messages for the benchmark and the chaos run: templates for every intent filled with
 * places, amounts, phone numbers, sites and platforms, so the classifier and the reply engine never see
 * the same text twice in a row. Deterministic for a given seed.
 */
import { seededRandom } from '../../src/util/random.ts';

/** Re-exported for the chaos script's kill moments. */
export const rng = seededRandom;

const PLACES = ['邢台', '济宁', '石家庄', '武汉', '襄阳', '宜昌', '保定', '邯郸', '黄石', '十堰', '荆州', '孝感', '临沂', '泰安', '曲阜', '兖州'];
const PLATFORMS = ['微信群', 'QQ群', '贴吧', '抖音', '快手', '微博', '小红书', '闲鱼', '朋友圈'];
const SITES = ['www.icbc-yz.cc', 'ccb-jf.top', 'jd-kefu.vip', 'bet365-cn.net', 'vip-licai.xyz', 'tk-bzj.com'];
const GOODS = ['银行卡', '身份证信息', '手机卡', '公民个人信息', '快递单号数据', '学生家长名单'];
const RUMORS = ['明天全市停水三天', '有人开面包车专门偷孩子', '吃某某牌方便面会致癌', '下周起高速全部封闭', '某小区发生了爆炸', '银行要冻结所有存款', '自来水里检出了病毒', '地铁三号线塌方死了很多人'];

const TEMPLATES: ReadonlyArray<(p: Fill) => string> = [
  // tips — fraud
  (p) => `我要举报，有人在${p.platform}里招人刷单，说先垫付再返佣金，我已经转了${p.amount}元`,
  (p) => `收到短信说我的手机银行今日失效，让我登录 ${p.site} 升级认证，这是诈骗吧？`,
  (p) => `有个自称客服的人打电话${p.phone}说我开通了百万保障，要我转账${p.amount}元关闭`,
  (p) => `我在${p.place}接到冒充公检法的电话，说我涉嫌洗钱，要我把存款转到他们指定的账户，号码是${p.phone}，我要举报`,
  (p) => `我在${p.platform}上认识一个网友，让我在 ${p.site} 投资理财，现在提不了现，被骗了${p.amount}元`,
  // tips — other categories
  (p) => `举报${p.platform}里有人公开卖${p.good}，一条${p.small}元`,
  (p) => `我要举报一个赌博网站 ${p.site}，他们在${p.platform}拉人下注`,
  (p) => `${p.place}有个${p.platform}在传播淫秽视频，还收会员费${p.small}元`,
  (p) => `举报有人在${p.platform}上卖仿真枪和管制刀具，联系方式${p.phone}`,
  (p) => `我发现${p.place}有人在网上贩卖毒品，暗号叫“糖果”，${p.platform}里能搜到`,
  (p) => `我们公司网站被黑客入侵了，首页被挂了赌博链接 ${p.site}`,
  // verify
  (p) => `${p.platform}里说${p.rumor}，是真的吗？`,
  (p) => `听说${p.place}${p.rumor}，请问警察同志这个消息可靠吗`,
  (p) => `紧急扩散！${p.place}${p.rumor}，大家注意！这是真的假的？`,
  // consult
  (p) => `被骗了${p.amount}元能立案吗，去哪里报案？`,
  (p) => `请问网上被骗了应该怎么报警，我在${p.place}`,
  () => `我的身份证被别人拿去办了手机卡，我该怎么办？`,
  (p) => `想咨询一下，网购被骗${p.small}元可以追回来吗`,
  // status
  (p) => `查询 NP2026112200${String(p.n % 10000).padStart(4, '0')}`,
  // chitchat
  () => '你好',
  () => '谢谢警察叔叔',
  (p) => `您好，我是${p.place}的网友，辛苦了`,
  () => '在吗？',
];

interface Fill {
  readonly n: number;
  readonly place: string;
  readonly platform: string;
  readonly site: string;
  readonly good: string;
  readonly rumor: string;
  readonly amount: number;
  readonly small: number;
  readonly phone: string;
}

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)] as T;
}

/** `n` varied messages (none of them an emergency), deterministic for `seed`. */
export function citizenTexts(n: number, seed = 1): string[] {
  const r = seededRandom(seed);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const fill: Fill = {
      n: i,
      place: pick(r, PLACES),
      platform: pick(r, PLATFORMS),
      site: pick(r, SITES),
      good: pick(r, GOODS),
      rumor: pick(r, RUMORS),
      amount: 100 + Math.floor(r() * 50_000),
      small: 1 + Math.floor(r() * 500),
      phone: `1${3 + Math.floor(r() * 6)}${String(Math.floor(r() * 1e9)).padStart(9, '0')}`,
    };
    out.push(pick(r, TEMPLATES)(fill));
  }
  return out;
}

/** The emergency sent in the middle of the burst: it must be answered first. */
export const EMERGENCY_TEXT = '救命！我朋友说他吃了一整瓶安眠药不想活了，现在叫不醒，怎么办';
