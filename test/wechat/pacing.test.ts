import { describe, expect, it } from 'vitest';
import { RetryLaterError } from '../../src/errors.ts';
import { DailyCap, localDay, nextLocalMidnight, Pacer } from '../../adapters/wechat/pacing.ts';

describe('local days', () => {
  it('Asia/Shanghai: the day and the next midnight', () => {
    const at = new Date('2026-11-22T16:30:00Z'); // 00:30 on the 23rd in Shanghai
    expect(localDay(at, 'Asia/Shanghai')).toBe('2026-11-23');
    expect(nextLocalMidnight(at, 'Asia/Shanghai').toISOString()).toBe('2026-11-23T16:00:00.000Z');
  });

  it('handles a DST change (America/New_York, 2026-11-01 is 25 hours long)', () => {
    const at = new Date('2026-11-01T12:00:00-05:00');
    expect(nextLocalMidnight(at, 'America/New_York').toISOString()).toBe('2026-11-02T05:00:00.000Z');
    const before = new Date('2026-10-31T12:00:00-04:00');
    expect(nextLocalMidnight(before, 'America/New_York').toISOString()).toBe('2026-11-01T04:00:00.000Z');
  });
});

describe('DailyCap', () => {
  it('refuses over the cap until local midnight, then starts again', () => {
    const clock = { now: new Date('2026-11-22T22:00:00+08:00') };
    const cap = new DailyCap(3, 'Asia/Shanghai', () => clock.now);
    cap.check(3);
    cap.record(2);
    expect(() => cap.check(2)).toThrow(RetryLaterError);
    cap.record(1);
    try {
      cap.check(1);
      expect.unreachable();
    } catch (e) {
      expect((e as RetryLaterError).delayMs).toBe(2 * 3600_000);
    }
    clock.now = new Date('2026-11-23T00:00:00+08:00');
    expect(cap.count).toBe(0);
    cap.check(3);
  });
});

describe('Pacer', () => {
  it('runs tasks one at a time, spaced, and survives a failing task', async () => {
    const pacer = new Pacer(60);
    const starts: number[] = [];
    const run = (fail: boolean) =>
      pacer.run(async () => {
        starts.push(Date.now());
        if (fail) throw new Error('boom');
        return starts.length;
      });
    const results = await Promise.allSettled([run(false), run(true), run(false)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(55);
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(55);
  });
});
