/** Median of a non-empty list (mean of the middle two for even lengths). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * k6's percentile of raw samples: linear interpolation between the closest ranks of the
 * sorted values (k6's trend sink). `sorted` must be ascending.
 */
export function percentileOfSorted(sorted: Float64Array | readonly number[], p: number): number {
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export const relativeError = (got: number, want: number): number => Math.abs(got - want) / Math.abs(want);

export const pct = (x: number, digits = 2): string => `${(x * 100).toFixed(digits)}%`;
export const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
