import { describe, expect, it } from 'vitest';
import { median, percentileNearestRank, summarizeDurationsMs } from '../../src/reports/stats.ts';
import { dayIndex, formatLocal, monthRange, previousMonth } from '../../src/reports/time.ts';

describe('month boundaries', () => {
  it('uses local midnights in Asia/Shanghai', () => {
    const r = monthRange('2026-11', 'Asia/Shanghai');
    expect(r.start).toBe(Date.UTC(2026, 9, 31, 16));
    expect(r.end).toBe(Date.UTC(2026, 10, 30, 16));
    expect(r.dates).toHaveLength(30);
    expect(dayIndex(r, r.start)).toBe(0);
    expect(dayIndex(r, r.end - 1)).toBe(29);
    expect(dayIndex(r, r.end)).toBe(-1);
    expect(dayIndex(r, r.start - 1)).toBe(-1);
    expect(formatLocal(r.end - 1, 'Asia/Shanghai')).toBe('2026-11-30 23:59:59');
  });

  it('follows daylight saving where a zone has it', () => {
    const r = monthRange('2026-03', 'America/New_York');
    expect(r.start).toBe(Date.UTC(2026, 2, 1, 5));
    expect(r.end).toBe(Date.UTC(2026, 3, 1, 4));
    // DST starts on Sunday 8 March 2026: the 9th begins at 04:00 UTC, the 8th lasts 23 hours.
    expect(r.dayStarts[8]).toBe(Date.UTC(2026, 2, 9, 4));
    expect(r.dayStarts[8]! - r.dayStarts[7]!).toBe(23 * 3600_000);
  });

  it('handles February and January', () => {
    expect(monthRange('2028-02', 'Asia/Shanghai').dates).toHaveLength(29);
    expect(previousMonth('2027-01')).toBe('2026-12');
    expect(() => monthRange('2026-1', 'Asia/Shanghai')).toThrow(/YYYY-MM/);
  });
});

describe('statistics', () => {
  it('true median and nearest-rank p90', () => {
    expect(median([1, 2, 3, 4])).toBe(2.5);
    expect(median([5])).toBe(5);
    expect(median([])).toBeNull();
    expect(percentileNearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentileNearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90)).toBe(10);
    expect(percentileNearestRank([7], 90)).toBe(7);
    expect(summarizeDurationsMs([3000, 1000, 10_000, 2000])).toEqual({ median: 2.5, p90: 10, count: 4 });
    expect(summarizeDurationsMs([])).toEqual({ median: 0, p90: 0, count: 0 });
  });
});

describe('formatLocal', () => {
  it('agrees with Intl across a daylight-saving change', () => {
    const intl = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'America/New_York',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    for (let t = Date.UTC(2026, 2, 8, 5); t < Date.UTC(2026, 2, 8, 9); t += 7 * 60_000 + 13_000) {
      expect(formatLocal(t, 'America/New_York')).toBe(intl.format(new Date(t)));
    }
  });
});
