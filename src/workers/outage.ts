/**
 * A per-platform circuit breaker for sends. After `threshold` transient send failures in a row on one
 * platform (no success in between) the platform is taken to be down: deliveries stop calling it and
 * wait, without using up their attempts, until one probe — the first delivery due after
 * `nextProbeAt`, which the queue picks by priority, so an emergency reply probes first — gets through.
 * Probes back off from `minProbeMs` to `maxProbeMs`. Everyone waiting is told the same resume time, so
 * when the platform is back the queue sees all of them due at once and takes them in priority order.
 *
 * State is in memory, per process: after a restart the first sends find the outage again.
 */
export interface BreakerOptions {
  /** Consecutive transient failures that mean "the platform is down"; default 3. */
  readonly threshold?: number;
  /** First wait before a probe; default 1 s. */
  readonly minProbeMs?: number;
  /** Longest wait between probes; default 30 s. */
  readonly maxProbeMs?: number;
  readonly now?: () => number;
}

interface PlatformState {
  failures: number;
  probeMs: number;
  nextProbeAt: number;
  /** A probe is in flight: others wait until this time. */
  probeUntil: number;
}

/** What a delivery should do before calling the platform. */
export type Admission = { readonly send: true } | { readonly send: false; readonly waitMs: number };

export class SendBreaker {
  private readonly platforms = new Map<string, PlatformState>();
  private readonly threshold: number;
  private readonly minProbeMs: number;
  private readonly maxProbeMs: number;
  private readonly now: () => number;

  constructor(options: BreakerOptions = {}) {
    this.threshold = Math.max(1, options.threshold ?? 3);
    this.minProbeMs = Math.max(1, options.minProbeMs ?? 1000);
    this.maxProbeMs = Math.max(this.minProbeMs, options.maxProbeMs ?? 30_000);
    this.now = options.now ?? Date.now;
  }

  /** Is `platform` taken to be down? */
  isDown(platform: string): boolean {
    return (this.platforms.get(platform)?.failures ?? 0) >= this.threshold;
  }

  /** Send now, or wait `waitMs` (the platform is down and it is not this delivery's turn to probe). */
  admit(platform: string): Admission {
    const s = this.platforms.get(platform);
    if (!s || s.failures < this.threshold) return { send: true };
    const now = this.now();
    if (now < s.nextProbeAt) return { send: false, waitMs: s.nextProbeAt - now };
    if (now < s.probeUntil) return { send: false, waitMs: s.probeUntil - now };
    // This delivery is the probe; the rest wait for its outcome (at most one probe interval).
    s.probeUntil = now + this.minProbeMs;
    return { send: true };
  }

  /** The platform took a message: it is up. */
  success(platform: string): void {
    this.platforms.delete(platform);
  }

  /**
   * A transient failure. Returns the wait before the next try when the platform is (now) down —
   * the caller then retries without using an attempt — or null for an ordinary failure.
   */
  failure(platform: string): number | null {
    const now = this.now();
    const s = this.platforms.get(platform) ?? { failures: 0, probeMs: 0, nextProbeAt: 0, probeUntil: 0 };
    s.failures += 1;
    this.platforms.set(platform, s);
    if (s.failures < this.threshold) return null;
    s.probeMs = s.failures === this.threshold ? this.minProbeMs : Math.min(this.maxProbeMs, s.probeMs * 2);
    s.nextProbeAt = now + s.probeMs;
    s.probeUntil = 0;
    return s.probeMs;
  }

  /** How long a delivery that is not the probe should wait now (0 when the platform is up). */
  resumeInMs(platform: string): number {
    const s = this.platforms.get(platform);
    if (!s || s.failures < this.threshold) return 0;
    return Math.max(1, Math.max(s.nextProbeAt, s.probeUntil) - this.now());
  }
}
