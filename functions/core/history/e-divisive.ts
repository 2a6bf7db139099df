import { studentTwoSidedP } from '../stats/distributions';
import { mean, pooledT } from '../stats/sample-stats';

/**
 * Change points in a series of per-run values (oldest first) by E-divisive means
 * (Matteson & James 2014) with Otava's (Hunter's) practical scheme: split each segment
 * where the energy-distance divergence between its two sides peaks, keep a split only when
 * a two-sided Student t-test between the neighbouring segments is significant, then merge
 * bottom-up — drop the weakest change point and re-test its neighbours — until every one
 * left passes at `maxPValue` (and moves the mean by at least `minMagnitude`).
 */
export interface ChangePointOptions {
  /** Final significance level (Otava's default 0.001). */
  maxPValue?: number;
  /** Smallest relative change of the mean kept (0: any). */
  minMagnitude?: number;
  /** Shortest segment on each side of a split. */
  minSegment?: number;
}

export interface ChangePoint {
  /** Index of the first value after the change. */
  index: number;
  meanBefore: number;
  meanAfter: number;
  /** meanAfter / meanBefore − 1. */
  relChange: number;
  pValue: number;
}

/** Σ|x_i − x_j| over i < j of xs[a..b), for every prefix end: prefix[k] = within(a, a+k). */
function withinPrefix(xs: readonly number[], a: number, b: number): Float64Array {
  const out = new Float64Array(b - a + 1);
  for (let k = 1; k <= b - a; k++) {
    const j = a + k - 1;
    let s = 0;
    for (let i = a; i < j; i++) s += Math.abs((xs[i] as number) - (xs[j] as number));
    out[k] = (out[k - 1] as number) + s;
  }
  return out;
}

/** The split τ in (a, b) maximising Matteson–James q̂ (energy divergence scaled by sizes). */
export function bestSplit(xs: readonly number[], a: number, b: number, minSegment: number): number | null {
  const n = b - a;
  if (n < 2 * minSegment) return null;
  const left = withinPrefix(xs, a, b);
  // within(τ, b) for each τ: suffix sums built the same way on the reversed range.
  const rev = xs.slice(a, b).reverse();
  const rightRev = withinPrefix(rev, 0, n);
  const total = left[n] as number;
  let best: number | null = null;
  let bestQ = Number.NEGATIVE_INFINITY;
  for (let t = minSegment; t <= n - minSegment; t++) {
    const wl = left[t] as number;
    const wr = rightRev[n - t] as number;
    const cross = total - wl - wr;
    const m = t;
    const k = n - t;
    const between = (2 * cross) / (m * k);
    const inL = m > 1 ? wl / ((m * (m - 1)) / 2) : 0;
    const inR = k > 1 ? wr / ((k * (k - 1)) / 2) : 0;
    const q = ((m * k) / n) * (between - inL - inR);
    if (q > bestQ) {
      bestQ = q;
      best = a + t;
    }
  }
  return best;
}

/** Average ranks (1-based) of the values. */
function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    for (let k = i; k <= j; k++) out[order[k]![1]] = (i + j + 2) / 2;
    i = j + 1;
  }
  return out;
}

/**
 * The split's test: Student's t on the ranks of the two segments (Conover & Iman's rank
 * transform, ≈ Mann–Whitney) rather than on the values as Otava does — one slow run among
 * many then moves a rank by a few places instead of inflating a segment's variance.
 */
function test(xs: readonly number[], lo: number, cut: number, hi: number): ChangePoint {
  const left = xs.slice(lo, cut);
  const right = xs.slice(cut, hi);
  const r = ranks([...left, ...right]);
  const { t, df } = pooledT(r.slice(0, left.length), r.slice(left.length));
  const meanBefore = mean(left);
  const meanAfter = mean(right);
  return {
    index: cut,
    meanBefore,
    meanAfter,
    relChange:
      meanBefore === 0 ? (meanAfter === 0 ? 0 : Number.POSITIVE_INFINITY) : meanAfter / meanBefore - 1,
    pValue: df > 0 ? studentTwoSidedP(t, df) : 1,
  };
}

/** Recursive bisection with a relaxed level; returns the sorted candidate indexes. */
function splitAll(xs: readonly number[], pValue: number, minSegment: number): number[] {
  const found: number[] = [];
  const queue: Array<[number, number]> = [[0, xs.length]];
  while (queue.length) {
    const [a, b] = queue.pop() as [number, number];
    const cut = bestSplit(xs, a, b, minSegment);
    if (cut === null) continue;
    if (test(xs, a, cut, b).pValue >= pValue) continue;
    found.push(cut);
    queue.push([a, cut], [cut, b]);
  }
  return found.sort((x, y) => x - y);
}

/** Each candidate tested between its neighbours (the segments it separates). */
function testAll(xs: readonly number[], cuts: readonly number[]): ChangePoint[] {
  return cuts.map((c, i) => test(xs, i > 0 ? (cuts[i - 1] as number) : 0, c, cuts[i + 1] ?? xs.length));
}

export function changePoints(series: readonly number[], opts: ChangePointOptions = {}): ChangePoint[] {
  const maxP = opts.maxPValue ?? 0.001;
  const minMagnitude = opts.minMagnitude ?? 0;
  const minSegment = Math.max(2, opts.minSegment ?? 3);
  const xs = series.filter((v) => Number.isFinite(v));
  if (xs.length !== series.length) throw new RangeError('changePoints: every value must be a finite number');
  // First pass at 10× the level (Otava's weak change points), then the merge step.
  let cuts = splitAll(xs, Math.min(0.05, maxP * 10), minSegment);
  for (;;) {
    const cps = testAll(xs, cuts);
    if (!cps.length) return [];
    let weakest = cps.reduce((w, c) => (c.pValue > w.pValue ? c : w));
    if (weakest.pValue < maxP) {
      weakest = cps.reduce((w, c) => (Math.abs(c.relChange) < Math.abs(w.relChange) ? c : w));
      if (Math.abs(weakest.relChange) >= minMagnitude) return cps;
    }
    cuts = cuts.filter((c) => c !== weakest.index);
  }
}
