/**
 * The fixed vocabulary of DESIGN.md. Reports, templates, checks and the classifier all use these
 * exact strings; nothing else in the code base spells them out.
 */
export const INTENTS = ['tip', 'verify', 'consult', 'emergency', 'status', 'chitchat'] as const;
export type Intent = (typeof INTENTS)[number];

export const CATEGORIES = [
  'fraud',
  'gambling',
  'pornography',
  'weapons',
  'drugs',
  'personal_data',
  'rumor',
  'hacking',
  'violent_threat',
  'self_harm',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** The kinds of reply the bot can send; every template serves exactly one. */
export const REPLY_KINDS = [
  'receipt',
  'advice',
  'rebuttal',
  'warning',
  'emergency',
  'status',
  'forward_notice',
  'fallback',
] as const;
export type ReplyKind = (typeof REPLY_KINDS)[number];

/** Platforms an adapter can serve. `http` is the generic webhook, `console` the local terminal. */
export const PLATFORMS = ['console', 'http', 'telegram', 'wechat', 'wechat-oa'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const INTENT_ZH: Record<Intent, string> = {
  tip: '举报线索',
  verify: '求证',
  consult: '咨询',
  emergency: '紧急求助',
  status: '进度查询',
  chitchat: '寒暄/其他',
};

export const CATEGORY_ZH: Record<Category, string> = {
  fraud: '诈骗',
  gambling: '赌博',
  pornography: '涉黄',
  weapons: '涉枪涉爆',
  drugs: '涉毒',
  personal_data: '贩卖个人信息',
  rumor: '谣言',
  hacking: '黑客攻击/入侵',
  violent_threat: '暴力威胁/涉恐',
  self_harm: '自伤自杀',
  other: '其他违法',
};
