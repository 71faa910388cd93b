/**
 * Entity extraction with validation. Runs on normalized text (see normalize.ts): the numbers and
 * contacts found become evidence on the case and features for the classifier. Every list is
 * de-duplicated and in order of first appearance; numbers that fail validation are left out.
 */
import type { Entities } from '../domain/schemas.ts';

/** Digits separated by a space or dash inside one number (「138 1234 5678」「6222-0212-…」) are joined. */
const DIGIT_GAP = /(?<=\d)[ -](?=\d)/g;

const CASE_NUMBER = /(?<![A-Za-z])([A-Za-z]{1,6})(\d{14})(?!\d)/g;
const MOBILE = /(?<!\d)(?:\+?86)?(1[3-9]\d{9})(?!\d)/g;
const LANDLINE = /(?<![\d-])(0[1-9]\d{1,2})[-—]?([2-9]\d{6,7})(?![\d-])/g;
const HOTLINE = /(?<!\d)([48]00)[-\s]?(\d{3})[-\s]?(\d{4})(?!\d)/g;
const LONG_DIGITS = /(?<![\dA-Za-z])(\d{15,19})([Xx])?(?![\dA-Za-z])/g;
const URL = /\bhttps?:\/\/[^\s\u3000-\u303F\u4E00-\u9FFF\uFF00-\uFFEF"'<>()（）【】]+/gi;
const TLDS =
  'com|cn|net|org|top|xyz|vip|cc|me|info|io|app|shop|site|club|bet|hk|tw|asia|biz|co|live|online|win|fun|link|ltd|pro|tv|ws|icu|wang|ren|work|store|tech|cloud|ink|red|kim|cyou|buzz|life|lol|xin|gov|edu';
const BARE_DOMAIN = new RegExp(
  `(?<![\\w@./-])(?:www\\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+(?:${TLDS})(?![a-z0-9-])(?::\\d{2,5})?(?:/[\\w\\-./?%&=#~+]*)?`,
  'gi',
);
const QQ = /QQ(?:号码|号|群)?\s*(?:[:：是为]|号码是|号是)?\s*(\d{5,11})(?!\d)/gi;
const WECHAT = /微信(?:号码|号)?\s*(?:[:：是为]|号是)?\s*([A-Za-z][-_A-Za-z0-9]{5,19}|1[3-9]\d{9})(?![-_A-Za-z0-9])/g;

/** Luhn check (bank cards). */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i -= 1) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** Mainland resident ID (18 characters): region, a real birth date, and the ISO 7064 check character. */
export function idNumberValid(id: string): boolean {
  if (!/^[1-9]\d{16}[\dX]$/i.test(id)) return false;
  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  if (year < 1900 || year > 2100 || month < 1 || month > 12 || day < 1) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCDate() !== day) return false;
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += (id.charCodeAt(i) - 48) * (ID_WEIGHTS[i] ?? 0);
  return ID_CHECK[sum % 11] === id[17]!.toUpperCase();
}

const CN_NUM: Record<string, number> = {
  零: 0, 〇: 0, 一: 1, 壹: 1, 二: 2, 贰: 2, 两: 2, 俩: 2, 三: 3, 叁: 3, 四: 4, 肆: 4, 五: 5, 伍: 5,
  六: 6, 陆: 6, 七: 7, 柒: 7, 八: 8, 捌: 8, 九: 9, 玖: 9, 半: 0.5,
};
const CN_UNIT: Record<string, number> = { 十: 10, 拾: 10, 百: 100, 佰: 100, 千: 1000, 仟: 1000, 万: 1e4, 萬: 1e4, 亿: 1e8 };

/**
 * Parses a Chinese numeral (「五万」「一万五」「三千五百」「十二万」「两百」) into a number.
 * A lone trailing digit after a unit counts as the next lower unit (「一万五」 = 15000). Returns NaN
 * when the string is not a numeral.
 */
export function parseChineseNumber(s: string): number {
  let total = 0;
  let section = 0;
  let digit = -1;
  let lastUnit = 1;
  for (const ch of s) {
    const d = CN_NUM[ch];
    if (d !== undefined) {
      digit = d;
      continue;
    }
    const unit = CN_UNIT[ch];
    if (unit === undefined) return Number.NaN;
    if (unit >= 1e4) {
      section += digit >= 0 ? digit : 0;
      total += (section === 0 ? 1 : section) * unit;
      section = 0;
    } else {
      section += (digit >= 0 ? digit : 1) * unit;
    }
    lastUnit = unit;
    digit = -1;
  }
  if (digit >= 0) section += lastUnit > 1 ? (digit * lastUnit) / 10 : digit;
  return total + section;
}

const UNIT_MULT: Record<string, number> = { 十: 10, 百: 100, 千: 1000, 万: 1e4, 亿: 1e8, k: 1000, K: 1000, w: 1e4, W: 1e4 };
/** A numeral starts with a digit or 十: 「万一」「千万」 are words, not amounts. */
const CN_NUMERAL = '[零〇一壹二贰两俩三叁四肆五伍六陆七柒八捌九玖十拾][零〇一壹二贰两俩三叁四肆五伍六陆七柒八捌九玖十拾百佰千仟万亿]*';
const CURRENCY = '(?:块钱|块|元|圆|人民币|rmb|RMB|大洋)';
/** Words after a number that make it a count of something else (「3千米」「五万人」「200块地」). */
const NOT_MONEY = '(?![米克吨人个名次天年月日号岁斤公里户件条张台辆倍分秒小步层楼页集期位])';
const AMOUNT_ARABIC = new RegExp(
  `(?:[¥￥]\\s*(\\d+(?:\\.\\d+)?)(万|千|w|W|k|K)?)|(?<![\\d.A-Za-z])(\\d+(?:\\.\\d+)?)\\s*(?:(万|千|百|亿|w|W|k|K)(?![A-Za-z])\\s*(?:${CURRENCY})?${NOT_MONEY}|(${CURRENCY}))`,
  'g',
);
const AMOUNT_CHINESE = new RegExp(`(?<!第)(${CN_NUMERAL})(${CURRENCY})?`, 'g');

function extractAmounts(raw: string, out: Array<[number, number]>): void {
  const text = raw.replace(/(?<=\d),(?=\d{3})/g, '');
  for (const m of text.matchAll(AMOUNT_ARABIC)) {
    const [, yenNum, yenUnit, num, unit, currency] = m;
    if (yenNum !== undefined) {
      out.push([m.index ?? 0, round(Number(yenNum) * (yenUnit ? (UNIT_MULT[yenUnit] ?? 1) : 1))]);
    } else if (num !== undefined && (unit !== undefined || currency !== undefined)) {
      if (unit === '百' && currency === undefined) continue;
      out.push([m.index ?? 0, round(Number(num) * (unit ? (UNIT_MULT[unit] ?? 1) : 1))]);
    }
  }
  if (/[千仟万亿块元圆币]/.test(text)) for (const m of text.matchAll(AMOUNT_CHINESE)) {
    const [whole, numeral = '', currency] = m;
    const next = text[(m.index ?? 0) + whole.length] ?? '';
    const hasBigUnit = /[千仟万亿]/.test(numeral);
    if (currency === undefined && !(hasBigUnit && !/[米克吨人个名次天年月日号岁斤户件条张台辆倍分秒步层楼页集期位]/.test(next))) continue;
    if (numeral.length === 1 && currency === undefined) continue;
    const value = parseChineseNumber(numeral);
    if (Number.isFinite(value) && value > 0) out.push([m.index ?? 0, round(value)]);
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function push(list: string[], seen: Set<string>, value: string): void {
  if (!seen.has(value)) {
    seen.add(value);
    list.push(value);
  }
}

/** Finds and validates the entities of a normalized text. Never throws. */
export function extractEntities(normalizedText: string): Entities {
  const text = normalizedText;
  const seen = new Set<string>();
  const phones: string[] = [];
  const urls: string[] = [];
  const bankCards: string[] = [];
  const idNumbers: string[] = [];
  const wechatIds: string[] = [];
  const qqNumbers: string[] = [];
  const caseNumbers: string[] = [];
  const hasDigit = /\d/.test(text);
  // Cheap pre-checks keep the common message (no numbers, no links) fast.
  const compact = hasDigit ? text.replace(DIGIT_GAP, '') : text;

  if (hasDigit) {
    for (const m of compact.matchAll(CASE_NUMBER)) push(caseNumbers, seen, `${m[1]!.toUpperCase()}${m[2]!}`);
    for (const m of compact.matchAll(MOBILE)) push(phones, seen, m[1]!);
    for (const m of text.matchAll(LANDLINE)) push(phones, seen, `${m[1]!}-${m[2]!}`);
    for (const m of text.matchAll(HOTLINE)) push(phones, seen, `${m[1]!}${m[2]!}${m[3]!}`);
    for (const m of compact.matchAll(LONG_DIGITS)) {
      const value = `${m[1]!}${m[2] ?? ''}`.toUpperCase();
      if (value.length === 18 && idNumberValid(value)) push(idNumbers, seen, value);
      else if (m[2] === undefined && value.length >= 16 && luhnValid(value)) push(bankCards, seen, value);
    }
    if (/qq/i.test(text)) for (const m of compact.matchAll(QQ)) push(qqNumbers, seen, m[1]!);
  }
  if (text.includes('.')) {
    if (/https?:/i.test(text)) for (const m of text.matchAll(URL)) push(urls, seen, m[0].replace(/[.,;:!?]+$/, ''));
    for (const m of text.matchAll(BARE_DOMAIN)) {
      const value = m[0].replace(/[.,;:!?]+$/, '');
      if (!urls.some((u) => u.includes(value))) push(urls, seen, value);
    }
  }
  if (text.includes('微信')) for (const m of compact.matchAll(WECHAT)) push(wechatIds, seen, m[1]!);

  const found: Array<[number, number]> = [];
  if (hasDigit || /[千仟万亿块元圆币¥]/.test(text)) extractAmounts(text, found);
  const amounts = found.length === 0 ? [] : distinctAmounts(found);

  return { phones, urls, bankCards, idNumbers, wechatIds, qqNumbers, amounts, caseNumbers };
}

/** Amounts in order of appearance, each once. */
function distinctAmounts(found: Array<[number, number]>): number[] {
  found.sort((a, b) => a[0] - b[0]);
  return [...new Set(found.map(([, value]) => value))];
}

/** Masks a number for logs: keeps the first 3 and last 2 characters (「138******78」). */
export function maskNumber(value: string): string {
  if (value.length <= 5) return '*'.repeat(value.length);
  return `${value.slice(0, 3)}${'*'.repeat(value.length - 5)}${value.slice(-2)}`;
}
