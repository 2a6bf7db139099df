import type { ExpHistogram } from '../../contracts/metrics';
import { bucketIndex, downscale, lowerBoundary, mergeHistograms } from '../histogram/exp-histogram';
import { histogramQuantile } from '../histogram/histogram-quantile';
import { normalQuantile, normalTwoSidedP } from '../stats/distributions';

export interface QuantileShift {
  q: number;
  baseline: number | null;
  current: number | null;
  /** current − baseline. */
  delta: number | null;
  /** Confidence interval of the delta (order-statistic bounds widened to whole buckets). */
  lower: number | null;
  upper: number | null;
  /** Two-sample quantile test (Mood's median test generalised to q) on exact bucket counts. */
  pValue: number;
}

/** Samples ≤ v (v a bucket boundary at h's scale, so the count is exact). */
function countAtOrBelow(h: ExpHistogram, v: number): number {
  let n = 0;
  for (let i = 0; i < h.negative.counts.length; i++) n += h.negative.counts[i] ?? 0;
  if (v < 0) return 0; // the trend metrics compared here are never negative
  n += h.zeroCount;
  for (let i = 0; i < h.positive.counts.length; i++) {
    const idx = h.positive.offset + i;
    if (lowerBoundary(idx + 1, h.scale) <= v * (1 + 1e-12)) n += h.positive.counts[i] ?? 0;
  }
  return n;
}

/** Bounds of the bucket holding v, at the scale given (v itself when it is 0 or negative). */
function bucketBounds(v: number, scale: number): [number, number] {
  if (v <= 0) return [v, v];
  const idx = bucketIndex(v, scale);
  return [lowerBoundary(idx, scale), lowerBoundary(idx + 1, scale)];
}

/**
 * Distribution-free confidence interval of the q-quantile of the samples in h: ranks
 * n·q ± z·√(n·q·(1−q)), each read from the histogram and widened to its whole bucket
 * (inside a bucket the histogram cannot say where a sample lies).
 */
export function quantileInterval(h: ExpHistogram, q: number, confidence: number): [number, number] | null {
  const n = h.count;
  if (n <= 0) return null;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const half = z * Math.sqrt(n * q * (1 - q));
  const lo = Math.max(0, Math.floor(n * q - half) - 1);
  const hi = Math.min(n - 1, Math.ceil(n * q + half));
  const at = (rank: number) => histogramQuantile(h, n > 1 ? rank / (n - 1) : 0) as number;
  const vLo = bucketBounds(at(lo), h.scale)[0];
  const vHi = bucketBounds(at(hi), h.scale)[1];
  return [Math.max(vLo, h.min ?? vLo), Math.min(vHi, h.max ?? vHi)];
}

/**
 * Whole-run check of one quantile of two merged histograms. The test: take v, the upper
 * boundary of the pooled histogram's bucket holding the pooled q-quantile (bucket counts
 * below a boundary are exact), and compare the shares of each run at or below v with a
 * two-proportion z-test — under "same distribution" both shares are equal. The interval
 * of the shift combines two intervals at √confidence each (so together ≥ confidence).
 */
export function quantileShift(
  baseline: ExpHistogram,
  current: ExpHistogram,
  q: number,
  confidence = 0.95,
): QuantileShift {
  const b = histogramQuantile(baseline, q);
  const c = histogramQuantile(current, q);
  const empty = { q, baseline: b, current: c, delta: null, lower: null, upper: null, pValue: 1 };
  if (b === null || c === null) return empty;
  const each = Math.sqrt(confidence);
  const ib = quantileInterval(baseline, q, each);
  const ic = quantileInterval(current, q, each);
  const scale = Math.min(baseline.scale, current.scale);
  const bs = baseline.scale === scale ? baseline : downscale(baseline, scale);
  const cs = current.scale === scale ? current : downscale(current, scale);
  const pooled = mergeHistograms(bs, cs);
  const pq = histogramQuantile(pooled, q) as number;
  const v = bucketBounds(pq, pooled.scale)[1];
  const kb = countAtOrBelow(downscale(bs, pooled.scale), v);
  const kc = countAtOrBelow(downscale(cs, pooled.scale), v);
  return {
    q,
    baseline: b,
    current: c,
    delta: c - b,
    lower: ib && ic ? ic[0] - ib[1] : null,
    upper: ib && ic ? ic[1] - ib[0] : null,
    pValue: twoProportionTest(kb, baseline.count, kc, current.count).pValue,
  };
}

export interface ProportionTest {
  /** p2 − p1. */
  delta: number;
  lower: number;
  upper: number;
  pValue: number;
}

/**
 * Two-proportion z-test (pooled variance for the p-value, unpooled for the interval) on
 * exact counts: k1 of n1 against k2 of n2. Used for Rate metrics, whose counts are exact.
 */
export function twoProportionTest(
  k1: number,
  n1: number,
  k2: number,
  n2: number,
  confidence = 0.95,
): ProportionTest {
  if (n1 <= 0 || n2 <= 0) return { delta: 0, lower: 0, upper: 0, pValue: 1 };
  const p1 = k1 / n1;
  const p2 = k2 / n2;
  const delta = p2 - p1;
  const p = (k1 + k2) / (n1 + n2);
  const se0 = Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
  const pValue = se0 === 0 ? (delta === 0 ? 1 : 0) : normalTwoSidedP(delta / se0);
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  return { delta, lower: delta - z * se, upper: delta + z * se, pValue };
}
