import type { ExpBuckets, ExpHistogram } from '../../contracts/metrics';

/**
 * Base-2 exponential histogram as OTLP defines it: at scale s, base = 2^(2^-s) and bucket
 * index i covers (base^i, base^(i+1)]; negative values go to the mirrored negative side by
 * magnitude; exact zeros go to zeroCount. min/max/sum/count are exact.
 *
 * Merging is exact bucket-wise once both inputs are at the same scale: a bucket at scale s
 * maps to bucket floor(i / 2^(s-s')) at any coarser scale s', so the finer input is
 * downscaled to the coarser one. Like the OpenTelemetry SDKs, a side never spans more than
 * MAX_BUCKETS buckets: when it would, the scale drops further (halving resolution each
 * step) — this keeps interval records small whatever the latency range.
 */

/** OpenTelemetry's default MaxSize for the exponential histogram aggregation. */
export const MAX_BUCKETS = 160;
/** OpenTelemetry's default (and largest) MaxScale. */
export const MAX_SCALE = 20;
/** The smallest scale the contract allows; at -10 one bucket spans a factor of 2^1024. */
export const MIN_SCALE = -10;

export function emptyHistogram(scale: number = MAX_SCALE): ExpHistogram {
  return {
    scale,
    zeroCount: 0,
    positive: { offset: 0, counts: [] },
    negative: { offset: 0, counts: [] },
    count: 0,
    sum: 0,
    min: null,
    max: null,
  };
}

/** Index of the bucket holding magnitude v (> 0) at the given scale, as OTLP maps it. */
export function bucketIndex(v: number, scale: number): number {
  const log2 = Math.log2(v);
  if (scale > 0) return Math.ceil(log2 * 2 ** scale) - 1;
  // At scale ≤ 0 buckets are whole powers of two grouped by 2^-scale: take the scale-0
  // index (exact for powers of two, where log2 is exact) and group it.
  return Math.floor((Math.ceil(log2) - 1) / 2 ** -scale);
}

/** Lower boundary base^index of a bucket (its upper boundary is lowerBoundary(index + 1)). */
export function lowerBoundary(index: number, scale: number): number {
  return 2 ** (index * 2 ** -scale);
}

/** First and last non-empty absolute bucket index of a side, or null when it is empty. */
function nonEmptyRange(b: ExpBuckets): [number, number] | null {
  let first = -1;
  let last = -1;
  for (let i = 0; i < b.counts.length; i++) {
    if ((b.counts[i] ?? 0) > 0) {
      if (first < 0) first = i;
      last = i;
    }
  }
  return first < 0 ? null : [b.offset + first, b.offset + last];
}

/** Range of a side after dropping `shift` scale steps (floor division of indexes). */
function shiftRange(r: [number, number], shift: number): [number, number] {
  const d = 2 ** shift;
  return [Math.floor(r[0] / d), Math.floor(r[1] / d)];
}

/** Smallest reduction (≥ 0) so that the union of ranges spans at most MAX_BUCKETS. */
function extraShiftToFit(ranges: Array<[number, number] | null>, scale: number): number {
  const present = ranges.filter((r): r is [number, number] => r !== null);
  if (present.length === 0) return 0;
  let lo = Math.min(...present.map((r) => r[0]));
  let hi = Math.max(...present.map((r) => r[1]));
  let extra = 0;
  while (hi - lo + 1 > MAX_BUCKETS && scale - extra > MIN_SCALE) {
    lo = Math.floor(lo / 2);
    hi = Math.floor(hi / 2);
    extra++;
  }
  return extra;
}

/** Adds the counts of `b` (at a scale `shift` steps finer) into a dense array at [lo, …]. */
function accumulate(into: number[], lo: number, b: ExpBuckets, shift: number): void {
  const d = 2 ** shift;
  for (let i = 0; i < b.counts.length; i++) {
    const c = b.counts[i] ?? 0;
    if (c === 0) continue;
    const idx = Math.floor((b.offset + i) / d) - lo;
    into[idx] = (into[idx] ?? 0) + c;
  }
}

/** Merges sides given with their shift to the target scale into one trimmed side. */
function mergeSides(parts: Array<{ b: ExpBuckets; shift: number }>): ExpBuckets {
  const ranges = parts
    .map((p) => {
      const r = nonEmptyRange(p.b);
      return r ? shiftRange(r, p.shift) : null;
    })
    .filter((r): r is [number, number] => r !== null);
  if (ranges.length === 0) return { offset: 0, counts: [] };
  const lo = Math.min(...ranges.map((r) => r[0]));
  const hi = Math.max(...ranges.map((r) => r[1]));
  const counts = new Array<number>(hi - lo + 1).fill(0);
  for (const p of parts) accumulate(counts, lo, p.b, p.shift);
  return { offset: lo, counts };
}

function isEmpty(h: ExpHistogram): boolean {
  return h.count === 0 && h.zeroCount === 0 && !nonEmptyRange(h.positive) && !nonEmptyRange(h.negative);
}

function copy(h: ExpHistogram): ExpHistogram {
  return {
    ...h,
    positive: { offset: h.positive.offset, counts: [...h.positive.counts] },
    negative: { offset: h.negative.offset, counts: [...h.negative.counts] },
  };
}

/** The same histogram at a coarser scale (newScale ≤ h.scale), trimmed of empty edge buckets. */
export function downscale(h: ExpHistogram, newScale: number): ExpHistogram {
  if (newScale > h.scale) throw new RangeError(`cannot upscale a histogram from ${h.scale} to ${newScale}`);
  const shift = h.scale - newScale;
  return {
    ...h,
    scale: newScale,
    positive: mergeSides([{ b: h.positive, shift }]),
    negative: mergeSides([{ b: h.negative, shift }]),
  };
}

/** Exact merge of two histograms (pure). An empty input never coarsens the result. */
export function mergeHistograms(a: ExpHistogram, b: ExpHistogram): ExpHistogram {
  if (isEmpty(b)) return copy(a);
  if (isEmpty(a)) return copy(b);
  let scale = Math.min(a.scale, b.scale);
  const rangeAt = (side: ExpBuckets, from: number): [number, number] | null => {
    const r = nonEmptyRange(side);
    return r ? shiftRange(r, from - scale) : null;
  };
  const extraPos = extraShiftToFit([rangeAt(a.positive, a.scale), rangeAt(b.positive, b.scale)], scale);
  const extraNeg = extraShiftToFit([rangeAt(a.negative, a.scale), rangeAt(b.negative, b.scale)], scale);
  // Both sides share one scale, so the side that needs more room decides.
  scale -= Math.max(extraPos, extraNeg);
  return {
    scale,
    zeroCount: a.zeroCount + b.zeroCount,
    positive: mergeSides([
      { b: a.positive, shift: a.scale - scale },
      { b: b.positive, shift: b.scale - scale },
    ]),
    negative: mergeSides([
      { b: a.negative, shift: a.scale - scale },
      { b: b.negative, shift: b.scale - scale },
    ]),
    count: a.count + b.count,
    sum: a.sum + b.sum,
    min: minOf(a.min, b.min),
    max: maxOf(a.max, b.max),
  };
}

function minOf(x: number | null, y: number | null): number | null {
  if (x === null) return y;
  if (y === null) return x;
  return Math.min(x, y);
}

function maxOf(x: number | null, y: number | null): number | null {
  if (x === null) return y;
  if (y === null) return x;
  return Math.max(x, y);
}

/**
 * Adds one sample IN PLACE (a builder for tests and benchmarks; returns h). Behaves like
 * the OpenTelemetry SDK: the scale drops when the side would exceed MAX_BUCKETS.
 */
export function observe(h: ExpHistogram, value: number): ExpHistogram {
  if (!Number.isFinite(value)) throw new RangeError(`cannot observe ${value}`);
  h.count += 1;
  h.sum += value;
  h.min = minOf(h.min, value);
  h.max = maxOf(h.max, value);
  if (value === 0) {
    h.zeroCount += 1;
    return h;
  }
  const sideName = value > 0 ? 'positive' : 'negative';
  const side = h[sideName];
  const idx = bucketIndex(Math.abs(value), h.scale);
  const range = nonEmptyRange(side);
  const extra = extraShiftToFit([range, [idx, idx]], h.scale);
  if (extra > 0) {
    const down = downscale(h, h.scale - extra);
    h.scale = down.scale;
    h.positive = down.positive;
    h.negative = down.negative;
    // The other side must also fit at the new scale; it only ever shrinks, so it does.
  }
  const target = h[sideName];
  const at = bucketIndex(Math.abs(value), h.scale);
  if (target.counts.length === 0) {
    target.offset = at;
    target.counts = [1];
    return h;
  }
  if (at < target.offset) {
    target.counts = [...new Array<number>(target.offset - at).fill(0), ...target.counts];
    target.offset = at;
  }
  const rel = at - target.offset;
  while (target.counts.length <= rel) target.counts.push(0);
  target.counts[rel] = (target.counts[rel] ?? 0) + 1;
  return h;
}

/**
 * cur − prev for two cumulative snapshots of one stream (prev taken earlier), giving the
 * delta between them. Cumulative scales only ever drop, so prev is brought to cur's scale.
 * min/max cannot be un-merged: the result keeps cur's (running) min/max, which stay exact
 * for the stream's lifetime.
 */
export function subtractHistograms(cur: ExpHistogram, prev: ExpHistogram): ExpHistogram {
  const scale = Math.min(cur.scale, prev.scale);
  const c = cur.scale === scale ? cur : downscale(cur, scale);
  const p = prev.scale === scale ? prev : downscale(prev, scale);
  const minus = (a: ExpBuckets, b: ExpBuckets): ExpBuckets => {
    // Counts never shrink in a cumulative stream; clamp at 0 in case one did (a reset).
    const counts = a.counts.map((n, i) => Math.max(0, n - (b.counts[a.offset + i - b.offset] ?? 0)));
    const first = counts.findIndex((n) => n > 0);
    if (first < 0) return { offset: 0, counts: [] };
    const last = counts.length - 1 - [...counts].reverse().findIndex((n) => n > 0);
    return { offset: a.offset + first, counts: counts.slice(first, last + 1) };
  };
  return {
    ...c,
    positive: minus(c.positive, p.positive),
    negative: minus(c.negative, p.negative),
    zeroCount: c.zeroCount - p.zeroCount,
    count: c.count - p.count,
    sum: c.sum - p.sum,
  };
}
