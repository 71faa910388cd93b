/**
 * Escaping for the target platform. The engine renders plain text with variables inserted verbatim;
 * the adapter that sends it escapes for its own markup (Telegram HTML) through {@link escapeFor}.
 */
export type EscapeFormat = 'plain' | 'telegram-html';

/** Returns `text` safe to send in `format`: unchanged for plain, `& < > "` escaped for Telegram HTML. */
export function escapeFor(format: EscapeFormat, text: string): string {
  switch (format) {
    case 'plain':
      return text;
    case 'telegram-html':
      return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  }
}
