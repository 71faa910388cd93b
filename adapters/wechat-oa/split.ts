/**
 * Splits a reply into platform-sized pieces. Counts Unicode code points (a CJK character or an emoji
 * is one), never cuts a surrogate pair, and prefers to cut after a line break or a sentence end
 * (。！？.!?) in the last fifth of a piece. Joining the pieces gives back the text exactly.
 */
export function splitText(text: string, maxLength: number): string[] {
  if (!Number.isInteger(maxLength) || maxLength < 1) throw new RangeError('maxLength must be a positive integer');
  const chars = Array.from(text);
  if (chars.length <= maxLength) return [text];
  const pieces: string[] = [];
  let start = 0;
  while (chars.length - start > maxLength) {
    let end = start + maxLength;
    const floor = start + Math.floor(maxLength * 0.8);
    for (let i = end - 1; i >= floor; i--) {
      const c = chars[i];
      if (c === '\n') {
        end = i + 1;
        break;
      }
    }
    if (end === start + maxLength) {
      for (let i = end - 1; i >= floor; i--) {
        if (/[。！？.!?；;]/.test(chars[i] ?? '')) {
          end = i + 1;
          break;
        }
      }
    }
    pieces.push(chars.slice(start, end).join(''));
    start = end;
  }
  pieces.push(chars.slice(start).join(''));
  return pieces;
}
