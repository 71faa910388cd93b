/**
 * Case numbers: `{CASE_PREFIX}{YYYYMMDD}{6-digit sequence per account per day}`, the day taken in
 * REPORT_TIMEZONE (e.g. HB20261122000123). The sequence lives in `case_counters` and only ever grows,
 * so a number is never handed out twice, even after its case is deleted.
 */
import type { Store } from '../store/db.ts';

export const CASE_NUMBER_PATTERN = /\b([A-Z]{1,6})(\d{8})(\d{6})\b/;

/** The calendar day of `at` in `timezone`, as YYYYMMDD. */
const DAY_FORMATS = new Map<string, Intl.DateTimeFormat>();

export function localDay(at: Date, timezone: string): string {
  let fmt = DAY_FORMATS.get(timezone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' });
    DAY_FORMATS.set(timezone, fmt);
  }
  const parts = fmt.formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}${get('month')}${get('day')}`;
}

/** Takes the next number. Must run inside the caller's write transaction. */
export function nextCaseNumber(store: Store, opts: { account: string; prefix: string; timezone: string; at: Date }): string {
  const day = localDay(opts.at, opts.timezone);
  const row = store
    .stmt(`INSERT INTO case_counters (account, day, seq) VALUES (?, ?, 1) ON CONFLICT(account, day) DO UPDATE SET seq = seq + 1 RETURNING seq`)
    .get(opts.account, day) as { seq: number };
  if (row.seq > 999_999) throw new Error(`case sequence for ${opts.account} on ${day} is exhausted`);
  return `${opts.prefix}${day}${String(row.seq).padStart(6, '0')}`;
}

/** Finds case numbers in free text (`查询 HB20261122000123`), upper-casing what the citizen typed. */
export function findCaseNumbers(text: string): string[] {
  const out: string[] = [];
  const re = new RegExp(CASE_NUMBER_PATTERN.source, 'g');
  for (const m of text.toUpperCase().matchAll(re)) out.push(m[0]);
  return out;
}
