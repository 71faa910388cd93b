/**
 * Text normalization for claim matching: one form for Simplified and Traditional, full-width and
 * half-width, punctuation and the filler words people wrap a question in ("听说…是真的吗"), and
 * Chinese numerals as digits (八级 = 8级). Both the library's claims and citizens' messages go
 * through the same function, so what it does is symmetric.
 */
import { toSimplified } from '../util/script.ts';

/** Phrases that frame a question but say nothing about the claim (after t→s). Longest first. */
const FILLERS = [
  '是不是真的', '是真的吗', '是真的么', '真的假的', '是真是假', '是否属实', '属实吗', '真的吗', '是谣言吗', '靠谱吗', '可信吗', '能信吗',
  '有这回事吗', '有没有这回事', '是不是谣言', '求证一下', '帮忙核实', '请核实', '核实一下', '请问', '求证', '听说', '听人说', '网传', '网上说',
  '网上传', '群里说', '群里都在说', '群里都在传', '朋友圈说', '朋友圈都在传', '有人说', '有人发消息说', '据说', '大家都在说', '是不是',
].sort((a, b) => b.length - a.length);

const DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/** Value of a run of Chinese numerals below 10 000 (e.g. 二十四 → 24, 五十 → 50, 十 → 10). */
function chineseNumber(run: string): number {
  let total = 0;
  let digit = 0;
  for (const ch of run) {
    if (ch in DIGITS) {
      digit = DIGITS[ch] ?? 0;
    } else {
      total += (digit === 0 ? 1 : digit) * (UNITS[ch] ?? 1);
      digit = 0;
    }
  }
  return total + digit;
}

/**
 * Normalizes `text` for matching: NFKC (full-width → half-width), Traditional → Simplified,
 * lower case, filler phrases removed, Chinese numerals → digits, every run of characters that are
 * neither Han, Latin letter nor digit → one space.
 */
export function normalizeForMatch(text: string): string {
  let s: string = toSimplified(text.normalize('NFKC')).toLowerCase();
  for (const f of FILLERS) s = s.split(f).join(' ');
  // Runs with a numeral other than 一 (一 alone is mostly a word: 一律, 一刀切).
  s = s.replace(/[零〇一二两三四五六七八九十百千]+/g, (run: string) => (/[二两三四五六七八九十百千]/.test(run) ? String(chineseNumber(run)) : run));
  return s.replace(/[^\p{Script=Han}\p{L}\p{N}]+/gu, ' ').trim();
}

/**
 * Matching features of a normalized text: bigrams of consecutive units, where a unit is one Han
 * character or one run of Latin letters/digits ("5g", "48"), a lone unit as itself, and every unit
 * again prefixed with `~` (the matcher weighs those less).
 */
export function features(normalized: string): string[] {
  const out = new Set<string>();
  for (const chunk of normalized.split(' ')) {
    const units = chunk.match(/\p{Script=Han}|(?:(?!\p{Script=Han})[\p{L}\p{N}])+/gu) ?? [];
    if (units.length === 1) out.add(units[0]!);
    for (const u of units) out.add(`~${u}`);
    for (let i = 0; i + 1 < units.length; i++) out.add(`${units[i]}${units[i + 1]}`);
  }
  return [...out];
}
