/**
 * Masking of citizens' personal data for logs, exports and officer cards that must not show it in full.
 * Guarantees: mainland mobiles keep their first 3 and last 4 digits (138****5678); ID-card numbers keep
 * the first 6 and last 4; bank-card numbers the last 4; names the first character (张**).
 */

export function maskPhone(phone: string): string {
  const d = phone.replace(/\D/g, '');
  if (d.length < 7) return '*'.repeat(d.length);
  return `${d.slice(0, 3)}****${d.slice(-4)}`;
}

export function maskIdCard(id: string): string {
  if (id.length < 10) return '*'.repeat(id.length);
  return `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}`;
}

export function maskBankCard(card: string): string {
  const d = card.replace(/\D/g, '');
  return `****${d.slice(-4)}`;
}

export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length === 0) return '';
  if (chars.length === 1) return '*';
  return chars[0] + '*'.repeat(Math.min(chars.length - 1, 3));
}

/** A user id or handle: keeps a short prefix so officers can tell senders apart without seeing them. */
export function maskHandle(id: string): string {
  if (id.length <= 4) return '*'.repeat(id.length);
  return `${id.slice(0, 2)}***${id.slice(-2)}`;
}

const ID_CARD = /(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])/g;
const BANK_CARD = /(?<!\d)(?:\d[ -]?){15,18}\d(?!\d)/g;
const MOBILE = /(?<!\d)(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)/g;
const LANDLINE = /(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)/g;

/**
 * A run of 11 to 19 digits, ASCII or full-width, with single separators (space, dash, full-width
 * space or dash) anywhere between them and an optional ID check letter. The classifier reads such
 * runs as one number (it joins digits across single gaps and applies NFKC), so masking must too.
 */
const LOOSE_NUMBER = /(?<![0-9\uFF10-\uFF19])(?:[+\uFF0B]?(?:86|\uFF18\uFF16)[ \-\u3000\uFF0D]?)?[0-9\uFF10-\uFF19](?:[ \-\u3000\uFF0D]?[0-9\uFF10-\uFF19]){10,18}[Xx\uFF38\uFF58]?(?![0-9\uFF10-\uFF19])/g;

/** Full-width digits and letters → ASCII; separators dropped. */
function compactNumber(run: string): string {
  return run.replace(/[\uFF10-\uFF19\uFF38\uFF58\uFF0B]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/[ \-\u3000\uFF0D]/g, '');
}

/** Masks a run the strict patterns left alone (odd grouping, full-width digits), by what it is. */
function maskLooseNumber(run: string): string {
  const compact = compactNumber(run);
  // A letter after the digits that does not make an ID's check character is just the next word.
  const letter = /[Xx\uFF38\uFF58]$/.exec(run)?.[0];
  if (letter && !/^\d{17}[Xx]$/.test(compact)) {
    const digitsOnly = run.slice(0, -1);
    const masked = maskLooseNumber(digitsOnly);
    return masked + letter;
  }
  const national = /^\+?86(1[3-9]\d{9})$/.exec(compact)?.[1] ?? compact;
  if (/^1[3-9]\d{9}$/.test(national)) return maskPhone(national);
  // A plus sign before digits that are not a mobile is just a sign: 「+8600 0000 0000 0000 9」 is a card.
  const bare = compact.replace(/^\+/, '');
  if (/^\d{17}[\dXx]$/.test(bare)) return maskIdCard(bare);
  if (/^\d{16,19}$/.test(bare)) return maskBankCard(bare);
  return run;
}

/**
 * Masks every ID-card, bank-card, mobile and landline number inside free text. Guaranteed (and
 * property-tested): no 11-digit mainland mobile, valid 18-character ID number or 16–19 digit card
 * number standing on its own (not inside a longer digit run) is left in clear, whether written in
 * ASCII or full-width digits, in one piece or grouped by single spaces or dashes. Numbers spelled in
 * Chinese characters (一三八…) are not found.
 */
export function maskText(text: string): string {
  const strict = text
    .replace(ID_CARD, (m) => maskIdCard(m))
    .replace(BANK_CARD, (m) => maskBankCard(m))
    .replace(MOBILE, (m) => maskPhone(m))
    .replace(LANDLINE, (m) => maskPhone(m));
  return strict.replace(LOOSE_NUMBER, maskLooseNumber);
}
