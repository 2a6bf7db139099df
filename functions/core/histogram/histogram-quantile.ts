import type { ExpHistogram } from '../../contracts/metrics';
import { lowerBoundary } from './exp-histogram';

// Reading statistics back out of an exponential histogram: mean and k6-style quantiles.

export function histogramMean(h: ExpHistogram): number | null {
  return h.count > 0 ? h.sum / h.count : null;
}

function clamp(v: number, lo: number | null, hi: number | null): number {
  let r = v;
  if (lo !== null && r < lo) r = lo;
  if (hi !== null && r > hi) r = hi;
  return r;
}

/**
 * Estimated value of the sample at 0-based sorted rank `k`. Inside a bucket the c samples
 * are taken as evenly spread in log space (sample j at fraction (j + ½)/c between the
 * bucket's bounds, clamped to the exact min/max) — the geometric interpolation that
 * matches bucket boundaries growing by a constant factor.
 */
function valueAtRank(h: ExpHistogram, k: number): number {
  if (k <= 0 && h.min !== null) return h.min;
  if (k >= h.count - 1 && h.max !== null) return h.max;
  let before = 0;
  const neg = h.negative;
  for (let i = neg.counts.length - 1; i >= 0; i--) {
    const c = neg.counts[i] ?? 0;
    if (c > 0 && k < before + c) {
      const idx = neg.offset + i;
      // Magnitudes (lo, hi]; ascending values run from the largest magnitude down.
      const magHi = clamp(lowerBoundary(idx + 1, h.scale), null, h.min !== null ? -h.min : null);
      const magLo = clamp(lowerBoundary(idx, h.scale), h.max !== null && h.max < 0 ? -h.max : null, null);
      const t = (k - before + 0.5) / c;
      return -(magHi * (magLo / magHi) ** t);
    }
    before += c;
  }
  if (k < before + h.zeroCount) return 0;
  before += h.zeroCount;
  const pos = h.positive;
  for (let i = 0; i < pos.counts.length; i++) {
    const c = pos.counts[i] ?? 0;
    if (c > 0 && k < before + c) {
      const idx = pos.offset + i;
      const lo = clamp(lowerBoundary(idx, h.scale), h.min !== null && h.min > 0 ? h.min : null, null);
      const hi = clamp(lowerBoundary(idx + 1, h.scale), null, h.max);
      const t = (k - before + 0.5) / c;
      return lo * (hi / lo) ** t;
    }
    before += c;
  }
  // Counts disagree with the buckets (should not happen): fall back to the exact max.
  return h.max ?? 0;
}

/**
 * The q-quantile (q in 0..1), following k6's Trend definition: with the n samples sorted,
 * rank r = q·(n−1) and the result interpolates linearly between the samples at floor(r)
 * and ceil(r) (so med is the mean of the two middle samples for even n). Each sample is
 * estimated from its bucket (see valueAtRank); q=0 gives the exact min and q=1 the exact
 * max; the result is clamped to [min, max]. Null when the histogram is empty.
 */
export function histogramQuantile(h: ExpHistogram, q: number): number | null {
  if (h.count <= 0) return null;
  const p = Math.min(1, Math.max(0, q));
  if (p === 0 && h.min !== null) return h.min;
  if (p === 1 && h.max !== null) return h.max;
  const r = p * (h.count - 1);
  const lo = Math.floor(r);
  const hi = Math.ceil(r);
  const vLo = valueAtRank(h, lo);
  const v = hi === lo ? vLo : vLo + (valueAtRank(h, hi) - vLo) * (r - lo);
  return clamp(v, h.min, h.max);
}
