/**
 * Text helpers for Telegram's HTML parse mode: escaping and splitting at Telegram's 4096-unit limit.
 * Pure functions, no telegraf.
 */

/** Telegram's limit for one message's text, in UTF-16 code units. */
export const TELEGRAM_TEXT_LIMIT = 4096;

/** Escapes the three characters HTML parse mode treats specially, so the text shows exactly as given. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const SEGMENTER = new Intl.Segmenter('zh', { granularity: 'grapheme' });

/** Moves `cut` left so it is not inside an HTML entity (`&amp;`) or tag (`<b>`) that starts before it. */
function outsideMarkup(window: string, cut: number): number {
  const head = window.slice(0, cut);
  const amp = head.lastIndexOf('&');
  if (amp >= 0 && /^&#?[A-Za-z0-9]*$/.test(head.slice(amp))) cut = amp;
  const lt = head.lastIndexOf('<', cut - 1);
  if (lt >= 0 && head.indexOf('>', lt) === -1) cut = Math.min(cut, lt);
  return cut;
}

/**
 * Moves `cut` left to a grapheme boundary (never between the halves of a surrogate pair, nor inside
 * 👨‍👩‍👧). `text` must extend past `cut`, so the cluster straddling it is seen whole.
 */
function atGrapheme(text: string, cut: number): number {
  const from = Math.max(0, cut - 64);
  let best = from;
  for (const seg of SEGMENTER.segment(text.slice(from, Math.min(text.length, cut + 64)))) {
    const end = from + seg.index + seg.segment.length;
    if (end <= cut) best = end;
    else break;
  }
  if (best === from && from > 0) {
    // A cluster longer than the look-back: fall back to code-point safety only.
    const code = text.charCodeAt(cut - 1);
    return code >= 0xd800 && code <= 0xdbff ? cut - 1 : cut;
  }
  return best;
}

/** Separators tried in order: paragraph, line, end of sentence (Chinese and Latin), space, comma. */
const BREAKS: readonly RegExp[] = [/\n\s*\n/g, /\n/g, /[。！？!?；;…]+["”’」』）)]*/g, /[ \t\u3000]+/g, /[，,、：:]/g];

function lastBreak(window: string, re: RegExp, min: number): number {
  let best = -1;
  re.lastIndex = 0;
  for (let m = re.exec(window); m; m = re.exec(window)) {
    const end = m.index + m[0].length;
    if (end > min && end <= window.length) best = end;
    if (m[0].length === 0) re.lastIndex += 1;
  }
  return best;
}

/**
 * Splits `text` (plain or already-escaped HTML) into parts of at most `limit` UTF-16 units each.
 * Prefers paragraph, then line, sentence, space and comma boundaries (in the last 70 % of the window),
 * and never cuts inside a surrogate pair, a grapheme cluster, an HTML entity or an HTML tag. Whitespace
 * at a cut is dropped; no part is empty. Tags that span a cut are not re-opened (our texts are fully
 * escaped and carry no tags). Joining the parts gives back the text minus whitespace at the cuts.
 */
export function splitMessage(text: string, limit: number = TELEGRAM_TEXT_LIMIT): string[] {
  if (!Number.isInteger(limit) || limit < 16) throw new RangeError(`splitMessage: limit must be an integer ≥ 16, got ${limit}`);
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    const min = Math.floor(limit * 0.3);
    let cut = -1;
    for (const re of BREAKS) {
      const at = lastBreak(window, re, min);
      if (at > 0) {
        cut = outsideMarkup(window, at);
        if (cut > min) break;
        cut = -1;
      }
    }
    if (cut <= 0) cut = atGrapheme(rest, outsideMarkup(window, limit));
    if (cut <= 0) cut = atGrapheme(rest, limit); // one tag or entity longer than the limit: cut anyway
    if (cut <= 0) cut = limit;
    const part = rest.slice(0, cut).trimEnd();
    if (part) parts.push(part);
    rest = rest.slice(cut).replace(/^\s+/, '');
  }
  if (rest.trim()) parts.push(rest);
  return parts;
}
