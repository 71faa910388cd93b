/**
 * CSV drill-down: one row per case opened in the month (RFC 4180 quoting, `\n` line ends, UTF-8, a
 * header row of stable English column names; vocabulary values stay as in DESIGN.md). Cells that a
 * spreadsheet would run as a formula (starting with = + - @) are prefixed with `'`.
 */
import type { CaseRow } from '../cases.ts';

export const CASE_CSV_COLUMNS = [
  'case_number',
  'opened_at',
  'platform',
  'intent',
  'category',
  'status',
  'department',
  'anonymous',
  'messages',
  'first_reply_at',
  'first_reply_seconds',
  'closed_at',
  'sender',
] as const;

/** Quotes one CSV cell. */
export function csvCell(v: string | number | boolean | null): string {
  if (v === null) return '';
  if (typeof v !== 'string') return String(v);
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Renders the case rows as CSV text. */
export function renderCaseCsv(rows: readonly CaseRow[]): string {
  const lines = [CASE_CSV_COLUMNS.join(',')];
  for (const r of rows) {
    lines.push(
      [
        r.caseNumber,
        r.openedAt,
        r.platform,
        r.intent,
        r.category,
        r.status,
        r.department,
        r.anonymous,
        r.messages,
        r.firstReplyAt,
        r.firstReplySeconds,
        r.closedAt,
        r.sender,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return lines.join('\n') + '\n';
}
