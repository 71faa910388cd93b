/**
 * Text normalization: the first stage of the classifier. Every later stage (entities, emergency
 * rules, lexicons, the statistical model) sees only this output, so a message written in
 * Traditional characters, in full-width forms or with the usual obfuscations classifies the same
 * as its plain Simplified form.
 */
import { scriptCounts, toSimplified } from '../util/script.ts';

export interface NormalizedText {
  /** Simplified, half-width, de-obfuscated text. */
  text: string;
  /** True when the input was mostly Traditional characters (replies then use zh-Hant). */
  traditional: boolean;
}

/** Zero-width characters, variation selectors, soft hyphens, bidi marks, combining enclosing marks. */
const INVISIBLE =
  /\u00AD|\u034F|\u061C|\u115F|\u1160|\u17B4|\u17B5|[\u180B-\u180E]|[\u200B-\u200F]|[\u202A-\u202E]|[\u2060-\u206F]|\u3164|[\uFE00-\uFE0F]|\uFEFF|\uFFA0|[\u20DD-\u20E4]|\uDB40[\uDD00-\uDDEF]/g;

/** Hearts and similar put where a character of 「微信」 should be (「威❤」「V♥」「薇💗」). */
const HEART = '[❤♥♡❣💗💕💖💓💞💘💝💙💚💛💜🧡🖤🤍🤎❥]';
const HEART_WECHAT = new RegExp(`(?:[vVwW]|[威薇徽维微])\\s*${HEART}`, 'gu');

/** Dingbat digits that NFKC leaves alone (❶ ➀ ➊ ⓿). */
const DINGBAT_DIGITS: Record<string, string> = { '⓿': '0' };
for (let i = 0; i < 10; i += 1) {
  const digit = String((i + 1) % 10);
  DINGBAT_DIGITS[String.fromCodePoint(0x2776 + i)] = i === 9 ? '10' : digit;
  DINGBAT_DIGITS[String.fromCodePoint(0x2780 + i)] = i === 9 ? '10' : digit;
  DINGBAT_DIGITS[String.fromCodePoint(0x278a + i)] = i === 9 ? '10' : digit;
}
const DINGBAT_DIGIT_RE = /[⓿\u2776-\u2793]/g;

/** Emoji and decorative symbols: removed so that 「刷★单」 reads 「刷单」. */
const DECORATIVE = /[\p{Extended_Pictographic}\u2190-\u21FF\u2500-\u25CA\u25CC-\u27BF\u2B00-\u2BFF\u3012\u3013\u2020-\u2022\u203B\u2042\u2055\u2766\u2767]/gu;

/** Separators people put between the characters of a word to slip past filters (「刷 单 返 利」). */
const HAN_GAP = /([\u3400-\u9fff])[\s·•・._\-*|~/\\^]+(?=[\u3400-\u9fff])/g;

/** Chinese (and circled-then-NFKC) digits spelled out inside numbers: 「一三八〇〇一三八〇〇〇」. */
const CN_DIGIT: Record<string, string> = {
  〇: '0', 零: '0', 一: '1', 幺: '1', 壹: '1', 二: '2', 贰: '2', 三: '3', 叁: '3', 四: '4', 肆: '4',
  五: '5', 伍: '5', 六: '6', 陆: '6', 七: '7', 柒: '7', 八: '8', 捌: '8', 九: '9', 玖: '9',
};
const DIGIT_RUN = /[〇零一幺壹二贰三叁四肆五伍六陆七柒八捌九玖0-9○]{5,}/g;
const HAS_CN_DIGIT = /[〇零一幺壹二贰三叁四肆五伍六陆七柒八捌九玖○]/;

/** Obfuscated names of contact apps, after Simplified conversion. Order matters. */
const REWRITES: Array<[RegExp, string, RegExp]> = [
  [/(?<![A-Za-z0-9_])[vVwW]\s*[信芯]|(?<![A-Za-z0-9_])[vVwW]\s*[xX](?![A-Za-z0-9_])/g, '微信', /[vVwW]/],
  [/[薇徽威维]\s*[芯]|[薇徽]\s*信|微\s*[芯心]/g, '微信', /[薇徽威维微]/],
  [/(?<=加|\+|添加|联系|私)\s*(?:[vVwW]|薇|威)(?![A-Za-z0-9信])/g, '微信', /[vVwW薇威]/],
  [/[扣抠寇蔻口叩][扣抠寇蔻口叩]号?|企鹅号|企鹅(?=\s*[:：]?\s*\d{5})/g, 'QQ', /[扣抠寇蔻口叩企]/],
  [/(?<![A-Za-z])[qQ]\s*[qQ](?![A-Za-z])/g, 'QQ', /[qQ]/],
  [/(?<![A-Za-z])(?:[Tt][Gg]|纸飞机|飞机号)(?![A-Za-z])/g, 'Telegram', /[Tt飞]/],
];
/**
 * Written Cantonese (粤语口语) → its Mandarin words, after Simplified conversion, so that
 * 「我个仔唔见咗」 reads 「我个仔不见了」 to every later stage. Only words made of characters that
 * are (nearly) never Mandarin are rewritten — 「仔」「边度」 are left alone (「仔细」「这边度假」) — longer
 * words first; 「唔该」 is "thank you", not 「不该」.
 */
const CANTONESE: Array<[string, string]> = [
  ['唔该', '谢谢'], ['唔好', '不要'], ['乜嘢', '什么'], ['咩嘢', '什么'], ['嗰度', '那里'], ['喺度', '在'],
  ['我哋', '我们'], ['你哋', '你们'], ['佢哋', '他们'],
  ['唔', '不'], ['咗', '了'], ['喺', '在'], ['嘅', '的'], ['冇', '没'], ['佢', '他'], ['嘢', '东西'],
  ['嚟', '来'], ['睇', '看'], ['畀', '给'], ['啲', '些'], ['攰', '累'], ['搵', '找'], ['揾', '找'],
  ['嗰', '那'], ['咁', '这么'], ['咩', '什么'], ['哋', '们'],
];
const CANTONESE_GUARD = /[唔咗喺嘅冇佢嘢嚟睇畀啲攰搵揾嗰咁咩哋]/;
const CANTONESE_RE = new RegExp(CANTONESE.map(([from]) => from).join('|'), 'g');
const CANTONESE_TO = new Map(CANTONESE);

/** Every character HEART_WECHAT, DINGBAT_DIGIT_RE and DECORATIVE can match is in this class: a cheap guard. */
const SYMBOLISH = /[\u00A9\u00AE\u2000-\u2BFF\u3012\u3013\u3030\u303D\u3297\u3299\uD800-\uDFFF]/;
/** Every separator HAN_GAP joins across. */
const GAP_CHAR = /[\s·•・._\-*|~/\\^]/;

function digitsOf(run: string): string {
  let out = '';
  for (const ch of run) {
    if (ch >= '0' && ch <= '9') out += ch;
    else if (ch === '○') out += '0';
    else out += CN_DIGIT[ch] ?? ch;
  }
  return out;
}

function dingbatDigit(d: string): string {
  return DINGBAT_DIGITS[d] ?? d;
}

function digitRun(run: string): string {
  return HAS_CN_DIGIT.test(run) ? digitsOf(run) : run;
}

/**
 * Normalizes a citizen's message. Guaranteed: the result is Simplified, half-width (NFKC), free of
 * invisible and decorative characters, written Cantonese words in their Mandarin form
 * (「唔见咗」 → 「不见了」), with 「V信/薇信/威❤/vx」 → 微信, 「扣扣/企鹅号」 → QQ,
 * spelled-out digit runs (≥ 5 digits, at least one written in Chinese or circled) → ASCII digits,
 * and spaced-out Chinese words joined. Pure and allocation-light; safe to call on every message.
 */
export function normalize(input: string): NormalizedText {
  let s = input.normalize('NFKC').replace(INVISIBLE, '');
  // The guards below only skip passes that could not change the text (they keep Chinese text fast).
  if (SYMBOLISH.test(s)) {
    s = s.replace(HEART_WECHAT, '微信');
    s = s.replace(DINGBAT_DIGIT_RE, dingbatDigit);
    s = s.replace(DECORATIVE, ' ');
  }

  const counts = scriptCounts(s);
  const traditional = counts.traditional > counts.simplified;
  if (counts.traditional > 0) s = toSimplified(s);
  if (CANTONESE_GUARD.test(s)) s = s.replace(CANTONESE_RE, (w) => CANTONESE_TO.get(w) ?? w);

  const gaps = GAP_CHAR.test(s);
  if (gaps) s = s.replace(HAN_GAP, '$1');
  for (const [re, to, guard] of REWRITES) if (guard.test(s)) s = s.replace(re, to);
  // A rewrite can put a Han word next to a gap (「V信 V信」 → 「微信 微信」): join again, so that
  // normalize(normalize(x)) == normalize(x).
  if (gaps) s = s.replace(HAN_GAP, '$1');
  s = s.replace(DIGIT_RUN, digitRun);
  if (s.includes('  ') || s.includes('\t')) s = s.replace(/[ \t]{2,}/g, ' ');
  s = s.trim();
  return { text: s, traditional };
}
