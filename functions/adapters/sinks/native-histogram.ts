import type { ExpBuckets, ExpHistogram } from '../../contracts/metrics';
import { downscale } from '../../core/histogram/exp-histogram';
import type { PromBucketSpan, PromHistogram } from './remote-write-proto';

/** Prometheus native histograms take schemas −4…8 (the same base-2 family as OTLP's scale). */
export const PROM_MIN_SCHEMA = -4;
export const PROM_MAX_SCHEMA = 8;

/** Extra schema steps a unit change upscales by: the shift then costs ≤ 1/16 of an original bucket. */
const UNIT_UPSCALE_STEPS = 3;

/**
 * Our merged base-2 exponential histogram as a Prometheus native histogram (integer counts).
 *
 * Same family, two differences: OTLP's bucket i covers (base^i, base^(i+1)] while
 * Prometheus' bucket i covers (base^(i−1), base^i], so indexes shift by one; and values are
 * divided by `divisor` (1000: k6's ms → Prometheus' seconds). 1000 is no power of two, so
 * bucket edges do not line up: each bucket is first split into 2^3 finer ones (its count
 * spread evenly, log-uniform as quantile interpolation assumes), then moved by the nearest
 * whole number of fine buckets. Totals stay exact, the position error is at most half a
 * fine bucket (≤ 0.14% at schema 8, ≤ 0.27% at 7), and for a cumulative input every split
 * count only ever grows, so the receiver sees no false counter reset. Null below schema −4.
 */
export function toNativeHistogram(h: ExpHistogram, divisor: number, timestamp: number): PromHistogram | null {
  if (h.scale < PROM_MIN_SCHEMA) return null;
  const src = h.scale > PROM_MAX_SCHEMA ? downscale(h, PROM_MAX_SCHEMA) : h;
  const exact = Number.isInteger(Math.log2(divisor));
  const schema = exact ? src.scale : Math.min(PROM_MAX_SCHEMA, src.scale + UNIT_UPSCALE_STEPS);
  const steps = schema - src.scale;
  // Dividing values by `divisor` moves log_base(value) down by this many buckets.
  const shift = Math.round(Math.log2(divisor) * 2 ** schema);
  const positive = shiftedSide(src.positive, steps, shift);
  const negative = shiftedSide(src.negative, steps, shift);
  const zero = Math.round(src.zeroCount);
  const total = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const pos = encodeSide(positive);
  const neg = encodeSide(negative);
  return {
    countInt: zero + total(positive) + total(negative),
    sum: src.sum / divisor,
    schema,
    zeroThreshold: 0,
    zeroCountInt: zero,
    positiveSpans: pos.spans,
    positiveDeltas: pos.deltas,
    negativeSpans: neg.spans,
    negativeDeltas: neg.deltas,
    resetHint: 0,
    timestamp,
  };
}

/** k-bit bit reversal. */
function bitReverse(j: number, k: number): number {
  let r = 0;
  for (let b = 0; b < k; b++) r |= ((j >> b) & 1) << (k - 1 - b);
  return r;
}

/**
 * How many of a bucket's c samples its part j (of n = 2^k) gets. Sample m goes to part
 * bitReverse((m + 1) mod n) — the van der Corput order: the middle first, then the
 * quarters, … — so parts differ by at most one, any prefix is centred on the bucket (no
 * bias when a bucket holds few samples), and each part only grows with c.
 */
function partShare(c: number, j: number, k: number, n: number): number {
  const p = bitReverse(j, k);
  const rest = c % n;
  return Math.floor(c / n) + (p !== 0 && p <= rest ? 1 : 0);
}

/**
 * OTLP-indexed buckets → Prometheus-indexed integer counts, `steps` schemas finer and moved
 * down by `shift` buckets.
 */
function shiftedSide(b: ExpBuckets, steps: number, shift: number): Map<number, number> {
  const out = new Map<number, number>();
  const n = 2 ** steps;
  for (let j = 0; j < b.counts.length; j++) {
    const c = Math.round(b.counts[j] ?? 0);
    if (c === 0) continue;
    const base = (b.offset + j) * n;
    for (let part = 0; part < n; part++) {
      const share = partShare(c, part, steps, n);
      if (share === 0) continue;
      // +1: Prometheus' index of the bucket whose OTLP index is base + part − shift.
      const i = base + part - shift + 1;
      out.set(i, (out.get(i) ?? 0) + share);
    }
  }
  return out;
}

/** Spans of consecutive buckets and delta-encoded counts (each count minus the previous one). */
function encodeSide(m: Map<number, number>): { spans: PromBucketSpan[]; deltas: number[] } {
  const idx = [...m.keys()].sort((a, b) => a - b);
  const spans: PromBucketSpan[] = [];
  const deltas: number[] = [];
  let prevIdx = 0;
  let prevCount = 0;
  for (const i of idx) {
    const span = spans[spans.length - 1];
    if (span && i === prevIdx + 1) span.length++;
    else spans.push({ offset: span ? i - prevIdx - 1 : i, length: 1 });
    const c = m.get(i) ?? 0;
    deltas.push(c - prevCount);
    prevCount = c;
    prevIdx = i;
  }
  return { spans, deltas };
}
