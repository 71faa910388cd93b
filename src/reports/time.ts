/**
 * Calendar arithmetic in a report's time zone, with nothing but `Intl`. A month is the half-open
 * interval [local 00:00:00.000 on the 1st, local 00:00:00.000 on the 1st of the next month), so an
 * event at 23:59:59.999 on the last day belongs to the month and one at 00:00:00.000 on the 1st to the
 * next. Times are integer milliseconds since the epoch (UTC), as in the store.
 */
import { z } from 'zod';

/** `YYYY-MM` with a real month; the message is what a CLI user sees. */
export const MonthSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'month must be YYYY-MM, for example 2026-11');

export { TimeZoneSchema } from '../domain/schemas.ts';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localParts(ms: number, tz: string): LocalParts {
  const out: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  return {
    year: out.year ?? NaN,
    month: out.month ?? NaN,
    day: out.day ?? NaN,
    hour: out.hour ?? NaN,
    minute: out.minute ?? NaN,
    second: out.second ?? NaN,
  };
}

/** The zone's offset from UTC at `ms`, in milliseconds (Asia/Shanghai: +8 h). */
export function zoneOffsetMs(ms: number, tz: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const p = localParts(whole, tz);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - whole;
}

/** The instant of local midnight starting the given calendar day (month 1-12; day may overflow). */
export function localMidnight(year: number, month: number, day: number, tz: string): number {
  const wall = Date.UTC(year, month - 1, day);
  let t = wall - zoneOffsetMs(wall, tz);
  // A second pass corrects for an offset change (daylight saving) between the guess and the answer.
  t = wall - zoneOffsetMs(t, tz);
  return t;
}

export interface MonthRange {
  /** First instant of the month (inclusive). */
  readonly start: number;
  /** First instant of the next month (exclusive). */
  readonly end: number;
  /** Local midnights of each day, plus `end`: `days.length` = number of days + 1. */
  readonly dayStarts: readonly number[];
  /** `YYYY-MM-DD` of each day. */
  readonly dates: readonly string[];
}

/** Parses `YYYY-MM` (throws a ZodError on anything else). */
export function parseMonth(month: string): { year: number; month: number } {
  const m = MonthSchema.parse(month);
  return { year: Number(m.slice(0, 4)), month: Number(m.slice(5, 7)) };
}

/** The month's boundaries and local days in `tz`. */
export function monthRange(month: string, tz: string): MonthRange {
  const { year, month: mo } = parseMonth(month);
  const daysInMonth = new Date(Date.UTC(year, mo, 0)).getUTCDate();
  const dayStarts: number[] = [];
  const dates: string[] = [];
  for (let d = 1; d <= daysInMonth + 1; d++) dayStarts.push(localMidnight(year, mo, d, tz));
  for (let d = 1; d <= daysInMonth; d++) dates.push(`${month}-${String(d).padStart(2, '0')}`);
  return { start: dayStarts[0]!, end: dayStarts[daysInMonth]!, dayStarts, dates };
}

/** The month before `YYYY-MM`. */
export function previousMonth(month: string): string {
  const { year, month: mo } = parseMonth(month);
  const y = mo === 1 ? year - 1 : year;
  const m = mo === 1 ? 12 : mo - 1;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
}

const QUARTER_HOUR = 15 * 60_000;
const offsetCache = new Map<string, Map<number, number>>();

/**
 * The zone's offset at `ms`, memoised per quarter hour (every zone changes offset on a quarter-hour
 * boundary), so formatting thousands of rows calls Intl once per distinct quarter hour.
 */
function cachedOffset(ms: number, tz: string): number {
  let byQuarter = offsetCache.get(tz);
  if (!byQuarter) {
    byQuarter = new Map();
    offsetCache.set(tz, byQuarter);
  }
  const q = Math.floor(ms / QUARTER_HOUR);
  let off = byQuarter.get(q);
  if (off === undefined) {
    if (byQuarter.size > 100_000) byQuarter.clear();
    off = zoneOffsetMs(q * QUARTER_HOUR, tz);
    byQuarter.set(q, off);
  }
  return off;
}

/** `YYYY-MM-DD HH:mm:ss` local time in `tz` (what officers read in exports). */
export function formatLocal(ms: number, tz: string): string {
  const d = new Date(ms + cachedOffset(ms, tz));
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${String(d.getUTCFullYear()).padStart(4, '0')}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`
  );
}

/** Index of the local day containing `ms` (binary search over `dayStarts`), or -1 outside the month. */
export function dayIndex(range: MonthRange, ms: number): number {
  const s = range.dayStarts;
  if (ms < range.start || ms >= range.end) return -1;
  let lo = 0;
  let hi = s.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (s[mid]! <= ms) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
