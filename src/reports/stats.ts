/**
 * Order statistics used by the reports, defined once so every figure means the same thing.
 */

/** Sorts a copy ascending (numeric). */
export function sortedCopy(values: readonly number[]): number[] {
  // Float64Array sorts numerically (Array#sort would compare as strings).
  return Array.from(Float64Array.from(values).sort());
}

/**
 * The true median of ascending `sorted`: the middle value, or the mean of the two middle values when
 * the count is even. `null` for no values.
 */
export function median(sorted: readonly number[]): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Nearest-rank percentile of ascending `sorted`: the value at rank ⌈p/100 × n⌉ (1-based), so it is
 * always one of the observed values. `null` for no values.
 */
export function percentileNearestRank(sorted: readonly number[], p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * n));
  return sorted[Math.min(rank, n) - 1]!;
}

export interface DurationSummary {
  /** Seconds; 0 when `count` is 0. */
  median: number;
  /** Seconds, nearest-rank 90th percentile; 0 when `count` is 0. */
  p90: number;
  /** How many durations were measured. */
  count: number;
}

/** Summarises durations given in milliseconds as seconds (exact: ms / 1000, no rounding). */
export function summarizeDurationsMs(durationsMs: readonly number[]): DurationSummary {
  const s = sortedCopy(durationsMs);
  const med = median(s);
  const p90 = percentileNearestRank(s, 90);
  return { median: med === null ? 0 : med / 1000, p90: p90 === null ? 0 : p90 / 1000, count: s.length };
}
