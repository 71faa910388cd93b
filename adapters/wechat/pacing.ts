/**
 * Sending discipline for a personal WeChat account, whose main risk is a ban for bot-like behaviour:
 * {@link Pacer} spaces sends out, {@link DailyCap} bounds them per local day.
 */
import { RetryLaterError } from '../../src/errors.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs tasks one at a time with at least `minIntervalMs` (wall clock) between the end of one and the
 * start of the next. A failed task does not stop the line.
 */
export class Pacer {
  private tail: Promise<unknown> = Promise.resolve();
  private lastEnd = Number.NEGATIVE_INFINITY;

  constructor(private readonly minIntervalMs: number) {}

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(async () => {
      const wait = this.lastEnd + this.minIntervalMs - Date.now();
      if (wait > 0) await sleep(wait);
      try {
        return await task();
      } finally {
        this.lastEnd = Date.now();
      }
    });
    this.tail = result.catch(() => undefined);
    return result;
  }
}

interface LocalParts {
  y: number;
  m: number;
  d: number;
  offsetMs: number;
}

function localParts(at: Date, timeZone: string): LocalParts {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(at);
  const get = (t: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === t)?.value ?? NaN);
  const y = get('year');
  const m = get('month');
  const d = get('day');
  const asUtc = Date.UTC(y, m - 1, d, get('hour'), get('minute'), get('second'));
  return { y, m, d, offsetMs: asUtc - Math.floor(at.getTime() / 1000) * 1000 };
}

/** `YYYY-MM-DD` of `at` in `timeZone`. */
export function localDay(at: Date, timeZone: string): string {
  const { y, m, d } = localParts(at, timeZone);
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** The first instant of the next local day in `timeZone` (handles DST by re-checking the offset). */
export function nextLocalMidnight(at: Date, timeZone: string): Date {
  const { y, m, d, offsetMs } = localParts(at, timeZone);
  let guess = Date.UTC(y, m - 1, d + 1) - offsetMs;
  const corrected = localParts(new Date(guess), timeZone).offsetMs;
  if (corrected !== offsetMs) guess = Date.UTC(y, m - 1, d + 1) - corrected;
  return new Date(guess);
}

/**
 * Counts sends per local day (in memory: a restart starts the count again). `check(n)` throws
 * {@link RetryLaterError} carrying the time until the next local midnight when `n` more would exceed the cap.
 */
export class DailyCap {
  private day = '';
  private used = 0;

  constructor(
    private readonly cap: number,
    private readonly timeZone: string,
    private readonly now: () => Date,
  ) {}

  private roll(): Date {
    const at = this.now();
    const day = localDay(at, this.timeZone);
    if (day !== this.day) {
      this.day = day;
      this.used = 0;
    }
    return at;
  }

  /** Sends made today. */
  get count(): number {
    this.roll();
    return this.used;
  }

  check(n = 1): void {
    const at = this.roll();
    if (this.used + n > this.cap) {
      const delayMs = Math.max(1000, nextLocalMidnight(at, this.timeZone).getTime() - at.getTime());
      throw new RetryLaterError(`WeChat daily cap of ${this.cap} messages reached (${this.used} sent today)`, delayMs);
    }
  }

  record(n = 1): void {
    this.roll();
    this.used += n;
  }
}
