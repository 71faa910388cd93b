/**
 * Masking of citizens' personal data in exports (and anywhere else text leaves the system for a
 * reader who does not need the numbers). Temporary home: the lead moves this to `src/privacy/mask.ts`.
 *
 * Guarantees: each function is pure and total (any string in, a string out); a masked value never
 * contains more than the kept prefix/suffix of the original digits; `maskText` leaves everything that
 * is not a phone, ID-card or bank-card number unchanged. Names inside free text are NOT found (that
 * needs entity recognition): mask known name fields with `maskName`.
 */

const stars = (n: number) => '*'.repeat(Math.max(0, n));

/** Keeps `head` and `tail` characters of a digit string, stars in between (all stars when short). */
function keepEnds(digits: string, head: number, tail: number): string {
  if (digits.length <= head + tail) return stars(digits.length);
  return digits.slice(0, head) + stars(digits.length - head - tail) + digits.slice(digits.length - tail);
}

/** Mainland mobile `13812345678` → `138****5678`; landline `0531-87654321` → `0531-****4321`. */
export function maskPhone(phone: string): string {
  const landline = /^(0\d{2,3})[- ]?(\d{7,8})$/.exec(phone.trim());
  if (landline) return `${landline[1]}-${keepEnds(landline[2]!, 0, 4)}`;
  const digits = phone.replace(/\D/g, '');
  const national = digits.length === 13 && digits.startsWith('86') ? digits.slice(2) : digits;
  const prefix = national.length !== digits.length ? '+86 ' : '';
  if (national.length === 11) return prefix + keepEnds(national, 3, 4);
  return keepEnds(digits, 3, 4);
}

/** 18-digit (or old 15-digit) resident ID `110101199003071234` → `110***********1234`. */
export function maskIdCard(id: string): string {
  const clean = id.replace(/\s/g, '');
  return keepEnds(clean, 3, 4);
}

/** Bank card `6222 0212 3456 7890 123` → `6222***********0123` (separators dropped). */
export function maskBankCard(card: string): string {
  return keepEnds(card.replace(/[\s-]/g, ''), 4, 4);
}

/** A person's name `张三丰` → `张**`: the first character, then always two stars (length not revealed). */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length === 0) return '';
  return `${chars[0]}**`;
}

/**
 * A platform account id (Telegram user id, WeChat openid, a phone used as id …): phone numbers are
 * masked as phones, other ids keep two characters at each end.
 */
export function maskAccountId(id: string): string {
  if (PHONE_ALONE.test(id.trim())) return maskPhone(id);
  const chars = Array.from(id);
  if (chars.length <= 6) return stars(chars.length);
  return chars.slice(0, 2).join('') + '***' + chars.slice(-2).join('');
}

const ID_18 = String.raw`[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]`;
const ID_15 = String.raw`[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}`;
const ID_RE = new RegExp(String.raw`(?<![0-9A-Za-z])(?:${ID_18}|${ID_15})(?![0-9A-Za-z])`, 'g');
/** 16 to 19 digits, optionally grouped by single spaces or hyphens. */
const BANK_RE = /(?<![\d*])\d(?:[ -]?\d){15,18}(?![\d*])/g;
const MOBILE = String.raw`(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}`;
const LANDLINE = String.raw`0\d{2,3}-\d{7,8}`;
const PHONE_RE = new RegExp(String.raw`(?<![\d*+])(?:${MOBILE}|${LANDLINE})(?![\d*])`, 'g');
const PHONE_ALONE = new RegExp(String.raw`^(?:${MOBILE}|${LANDLINE})$`);

/** Masks every phone, ID-card and bank-card number inside free text; the rest is left as it is. */
export function maskText(text: string): string {
  return text
    .replace(ID_RE, (m) => maskIdCard(m))
    .replace(BANK_RE, (m) => maskBankCard(m))
    .replace(PHONE_RE, (m) => maskPhone(m));
}
