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

/** Masks every ID-card, bank-card, mobile and landline number inside free text. */
export function maskText(text: string): string {
  return text
    .replace(ID_CARD, (m) => maskIdCard(m))
    .replace(BANK_CARD, (m) => maskBankCard(m))
    .replace(MOBILE, (m) => maskPhone(m))
    .replace(LANDLINE, (m) => maskPhone(m));
}
