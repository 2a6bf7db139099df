import { describe, expect, it } from 'vitest';
import type { ExpHistogram } from '../../functions/contracts/metrics';
import {
  bucketIndex,
  downscale,
  emptyHistogram,
  lowerBoundary,
  MAX_BUCKETS,
  mergeHistograms,
  observe,
  subtractHistograms,
} from '../../functions/core/histogram/exp-histogram';
import { histogramMean, histogramQuantile } from '../../functions/core/histogram/histogram-quantile';
import { seededRandom as rng } from '../../target/random';

function normal(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/** k6's Trend percentile: sorted samples, rank q·(n−1), linear between neighbours. */
function exactQuantile(sorted: number[], q: number): number {
  const i = q * (sorted.length - 1);
  const j = sorted[Math.floor(i)]!;
  const k = sorted[Math.ceil(i)]!;
  return j + (k - j) * (i - Math.floor(i));
}

function build(values: number[], scale?: number): ExpHistogram {
  const h = emptyHistogram(scale);
  for (const v of values) observe(h, v);
  return h;
}

function totalBuckets(h: ExpHistogram): number {
  return h.positive.counts.reduce((a, b) => a + b, 0) + h.negative.counts.reduce((a, b) => a + b, 0);
}

const QUANTILES = [0.5, 0.9, 0.95, 0.99, 0.999];

describe('bucketIndex', () => {
  it('maps values to (base^i, base^(i+1)] at positive, zero and negative scales', () => {
    for (const scale of [-2, 0, 3, 8, 20]) {
      for (const v of [0.013, 1, 1.5, 2, 3, 1000, 123456.7]) {
        const i = bucketIndex(v, scale);
        expect(lowerBoundary(i, scale)).toBeLessThan(v * (1 + 1e-12));
        expect(lowerBoundary(i + 1, scale)).toBeGreaterThanOrEqual(v * (1 - 1e-12));
      }
    }
    // Powers of two sit at the top of their bucket (upper bounds are inclusive).
    expect(bucketIndex(1, 0)).toBe(-1);
    expect(bucketIndex(4, 0)).toBe(1);
    expect(bucketIndex(4, 1)).toBe(3);
    expect(bucketIndex(4, -1)).toBe(0);
  });
});

describe('quantiles match k6 on exact samples', () => {
  it('lognormal latencies (200k samples): p50…p99.9 within 0.5%', () => {
    const r = rng(1);
    const values = Array.from({ length: 200_000 }, () => Math.exp(2.3 + 0.6 * normal(r)));
    const h = build(values);
    const sorted = [...values].sort((a, b) => a - b);
    expect(h.positive.counts.length).toBeLessThanOrEqual(MAX_BUCKETS);
    for (const q of QUANTILES) {
      const exact = exactQuantile(sorted, q);
      const est = histogramQuantile(h, q)!;
      expect(Math.abs(est - exact) / exact, `q=${q} exact=${exact} est=${est}`).toBeLessThan(0.005);
    }
    expect(histogramQuantile(h, 0)).toBe(sorted[0]);
    expect(histogramQuantile(h, 1)).toBe(sorted.at(-1));
    expect(histogramMean(h)).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 6);
  });

  it('bimodal (fast cache hits + slow backend, 150k samples) within 0.5%', () => {
    const r = rng(2);
    const values = Array.from({ length: 150_000 }, () =>
      r() < 0.8 ? Math.exp(0.5 + 0.3 * normal(r)) : Math.exp(5.5 + 0.4 * normal(r)),
    );
    const h = build(values);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0.25, 0.5, 0.75, 0.9, 0.95, 0.99]) {
      const exact = exactQuantile(sorted, q);
      const est = histogramQuantile(h, q)!;
      expect(Math.abs(est - exact) / exact, `q=${q} exact=${exact} est=${est}`).toBeLessThan(0.005);
    }
  });

  it('follows k6 exactly on tiny samples: single value, and min/max ends', () => {
    const one = build([7.5]);
    expect(histogramQuantile(one, 0.95)).toBe(7.5);
    const two = build([1, 3]);
    expect(histogramQuantile(two, 0)).toBe(1);
    expect(histogramQuantile(two, 1)).toBe(3);
    expect(histogramQuantile(emptyHistogram(), 0.5)).toBeNull();
    expect(histogramMean(emptyHistogram())).toBeNull();
  });

  it('handles zeros and negative values in sorted order', () => {
    const values = [-50, -20, -5, -1, 0, 0, 0, 1, 5, 20, 50];
    const h = build(values);
    expect(h.zeroCount).toBe(3);
    expect(h.min).toBe(-50);
    expect(h.max).toBe(50);
    expect(histogramQuantile(h, 0.5)).toBe(0);
    const q2 = histogramQuantile(h, 0.2)!; // rank 2 → -5
    expect(q2).toBeLessThan(-1);
    expect(q2).toBeGreaterThan(-20);
    const q8 = histogramQuantile(h, 0.8)!; // rank 8 → 5
    expect(q8).toBeGreaterThan(1);
    expect(q8).toBeLessThan(20);
    // Quantiles are monotonic across the whole range.
    let prev = Number.NEGATIVE_INFINITY;
    for (let q = 0; q <= 1.0001; q += 0.01) {
      const v = histogramQuantile(h, Math.min(q, 1))!;
      expect(v).toBeGreaterThanOrEqual(prev);
      prev = v;
    }
  });
});

describe('mergeHistograms', () => {
  const r = rng(3);
  const parts = [0, 1, 2].map((i) =>
    Array.from({ length: 100_000 }, () => Math.exp(1 + i + (0.4 + i * 0.3) * normal(r))),
  );
  const hs = parts.map((p) => build(p));

  it('is commutative and associative on counts, sum, min and max', () => {
    const ab_c = mergeHistograms(mergeHistograms(hs[0]!, hs[1]!), hs[2]!);
    const a_bc = mergeHistograms(hs[0]!, mergeHistograms(hs[1]!, hs[2]!));
    const cba = mergeHistograms(mergeHistograms(hs[2]!, hs[1]!), hs[0]!);
    for (const m of [a_bc, cba]) {
      expect(m.scale).toBe(ab_c.scale);
      expect(m.positive).toEqual(ab_c.positive);
      expect(m.count).toBe(300_000);
      expect(m.sum).toBeCloseTo(ab_c.sum, 6);
      expect(m.min).toBe(ab_c.min);
      expect(m.max).toBe(ab_c.max);
    }
    expect(totalBuckets(ab_c)).toBe(300_000);
    expect(ab_c.positive.counts.length).toBeLessThanOrEqual(MAX_BUCKETS);
  });

  it('merged quantiles are those of the pooled samples (within 0.5%; p99.9 within 1%)', () => {
    const merged = hs.reduce((acc, h) => mergeHistograms(acc, h), emptyHistogram());
    const sorted = parts.flat().sort((a, b) => a - b);
    // The pooled range spans ~12 octaves, so the merge lands at scale 3 (buckets 9% wide);
    // p99.9 then sits in a sparse tail where a few samples per bucket limit any estimate.
    expect(merged.scale).toBe(3);
    for (const q of QUANTILES) {
      const exact = exactQuantile(sorted, q);
      const est = histogramQuantile(merged, q)!;
      expect(Math.abs(est - exact) / exact, `q=${q}`).toBeLessThan(q > 0.99 ? 0.01 : 0.005);
    }
  });

  it('merges different scales exactly: equals building at the coarser scale', () => {
    const fine = build([1.1, 1.2, 3.3, 7.9, 100], 10);
    const coarse = build([0.7, 2.5, 64, 65], 2);
    const merged = mergeHistograms(fine, coarse);
    const direct = build([1.1, 1.2, 3.3, 7.9, 100, 0.7, 2.5, 64, 65], 2);
    expect(merged.scale).toBe(2);
    expect(merged.positive).toEqual(direct.positive);
    expect(merged.count).toBe(9);
    expect(mergeHistograms(coarse, fine).positive).toEqual(direct.positive);
  });

  it('downscales further when the merged span exceeds 160 buckets per side', () => {
    const low = build([0.001, 0.0011], 20);
    const high = build([1e6, 1.1e6], 20);
    const merged = mergeHistograms(low, high);
    const span = merged.positive.counts.length;
    expect(span).toBeLessThanOrEqual(MAX_BUCKETS);
    expect(totalBuckets(merged)).toBe(4);
    // One scale finer would not fit.
    const lo = bucketIndex(0.001, merged.scale + 1);
    const hi = bucketIndex(1.1e6, merged.scale + 1);
    expect(hi - lo + 1).toBeGreaterThan(MAX_BUCKETS);
  });

  it('treats empty inputs as neutral and keeps negative and zero counts', () => {
    const h = build([-3, 0, 2], 5);
    expect(mergeHistograms(emptyHistogram(), h)).toEqual(h);
    expect(mergeHistograms(h, emptyHistogram(0))).toEqual(h);
    const twice = mergeHistograms(h, h);
    expect(twice.zeroCount).toBe(2);
    expect(twice.negative.counts.reduce((a, b) => a + b, 0)).toBe(2);
    expect(twice.min).toBe(-3);
    expect(mergeHistograms(emptyHistogram(), emptyHistogram()).count).toBe(0);
  });

  it('is pure: inputs are not modified', () => {
    const a = build([1, 2, 3], 8);
    const b = build([1000, 2000], 3);
    const before = JSON.stringify([a, b]);
    mergeHistograms(a, b);
    downscale(a, 1);
    expect(JSON.stringify([a, b])).toBe(before);
  });
});

describe('downscale', () => {
  it('keeps every count and maps bucket i to floor(i / 2^k)', () => {
    const h = build([1.01, 1.5, 1.99, 2.01, 3.9, 4.1], 6);
    const d = downscale(h, 0);
    expect(d.scale).toBe(0);
    // At scale 0: (1,2] holds 1.01,1.5,1.99 → index 0; (2,4] holds 2.01,3.9 → 1; (4,8] → 2.
    expect(d.positive).toEqual({ offset: 0, counts: [3, 2, 1] });
    expect(() => downscale(d, 1)).toThrow(RangeError);
  });
});

describe('subtractHistograms (cumulative → delta)', () => {
  it('gives the samples added between two cumulative snapshots, across a scale drop', () => {
    const first = [1.5, 2.5, 3.5, 0, -2];
    const later = [0.01, 1000, 7, 0];
    const before = build(first);
    const after = build(first);
    for (const v of later) observe(after, v);
    expect(after.scale).toBeLessThan(before.scale);
    const delta = subtractHistograms(after, before);
    const direct = build(later, after.scale);
    expect(delta.scale).toBe(after.scale);
    expect(delta.positive).toEqual(direct.positive);
    expect(delta.negative).toEqual({ offset: 0, counts: [] });
    expect(delta.zeroCount).toBe(1);
    expect(delta.count).toBe(4);
    expect(delta.sum).toBeCloseTo(1007.01, 9);
  });
});
