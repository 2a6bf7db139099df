import { normalQuantile, normalTwoSidedP } from '../stats/distributions';

export interface MannWhitneyResult {
  /** U of the second sample (current): pairs (x, y) with y > x, ties counted ½. */
  u: number;
  /** Two-sided p-value: exact for small samples without ties, else normal with tie correction. */
  pValue: number;
  /** P(current > baseline) + ½ P(equal): 0.5 means no shift (the common-language effect size). */
  probabilityOfSuperiority: number;
  /** Rank-biserial correlation 2A − 1 in [−1, 1]; positive means current is larger. */
  rankBiserial: number;
  exact: boolean;
}

/** Largest n1·n2 for which the exact null distribution of U is counted. */
const EXACT_MAX_PAIRS = 400;

/** Average ranks (1-based) of the pooled values, and the tie-group sizes. */
function rankPooled(values: readonly number[]): { ranks: number[]; ties: number[] } {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  const ties: number[] = [];
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    const avg = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) ranks[order[k]![1]] = avg;
    if (j > i) ties.push(j - i + 1);
    i = j + 1;
  }
  return { ranks, ties };
}

/** Number of arrangements giving each U for sizes (m, n): f(m,n,u) = f(m−1,n,u−n) + f(m,n−1,u). */
function exactUCounts(m: number, n: number): number[] {
  // prev[j] holds the distribution for (i − 1, j); built row by row.
  let prev: number[][] = [];
  for (let i = 0; i <= m; i++) {
    const row: number[][] = [];
    for (let j = 0; j <= n; j++) {
      if (i === 0 || j === 0) {
        row.push([1]);
        continue;
      }
      const a = prev[j] as number[]; // (i−1, j): shifted by j
      const b = row[j - 1] as number[]; // (i, j−1)
      const out = new Array<number>(i * j + 1).fill(0);
      for (let u = 0; u < a.length; u++) out[u + j] = (out[u + j] as number) + (a[u] as number);
      for (let u = 0; u < b.length; u++) out[u] = (out[u] as number) + (b[u] as number);
      row.push(out);
    }
    prev = row;
  }
  return prev[n] as number[];
}

/**
 * Mann–Whitney U test of `current` against `baseline` (two-sided), the per-window test
 * Kayenta uses: no normality assumption, robust to the heavy tails latency windows show.
 */
export function mannWhitney(baseline: readonly number[], current: readonly number[]): MannWhitneyResult {
  const n1 = baseline.length;
  const n2 = current.length;
  if (n1 === 0 || n2 === 0)
    return { u: 0, pValue: 1, probabilityOfSuperiority: 0.5, rankBiserial: 0, exact: false };
  const { ranks, ties } = rankPooled([...baseline, ...current]);
  let r2 = 0;
  for (let i = n1; i < n1 + n2; i++) r2 += ranks[i] as number;
  const u = r2 - (n2 * (n2 + 1)) / 2;
  const pairs = n1 * n2;
  const a = u / pairs;
  const base = { u, probabilityOfSuperiority: a, rankBiserial: 2 * a - 1 };
  if (ties.length === 0 && pairs <= EXACT_MAX_PAIRS) {
    const counts = exactUCounts(n1, n2);
    const total = counts.reduce((s, c) => s + c, 0);
    const lowTail = Math.min(u, pairs - u);
    let tail = 0;
    for (let k = 0; k <= Math.floor(lowTail); k++) tail += counts[k] as number;
    return { ...base, pValue: Math.min(1, (2 * tail) / total), exact: true };
  }
  const n = n1 + n2;
  const tieTerm = ties.reduce((s, t) => s + (t ** 3 - t), 0) / (n * (n - 1));
  const sigma = Math.sqrt((pairs / 12) * (n + 1 - tieTerm));
  if (sigma === 0) return { ...base, pValue: 1, exact: false };
  const d = u - pairs / 2;
  // Continuity correction towards the mean.
  const z = Math.max(0, Math.abs(d) - 0.5) / sigma;
  return { ...base, pValue: normalTwoSidedP(z), exact: false };
}

export interface ShiftEstimate {
  /** Median of all pairwise differences current − baseline. */
  estimate: number;
  /** Distribution-free confidence interval from the order statistics of the differences; null when the samples are too small for the level. */
  lower: number | null;
  upper: number | null;
}

/**
 * Hodges–Lehmann estimate of the location shift current − baseline with its confidence
 * interval (Moses' method: the C-th smallest and largest pairwise differences, C from the
 * normal approximation of U's null distribution).
 */
export function hodgesLehmann(
  baseline: readonly number[],
  current: readonly number[],
  confidence = 0.95,
): ShiftEstimate {
  const n1 = baseline.length;
  const n2 = current.length;
  if (n1 === 0 || n2 === 0) return { estimate: Number.NaN, lower: null, upper: null };
  const diffs = new Float64Array(n1 * n2);
  let k = 0;
  for (const y of current) for (const x of baseline) diffs[k++] = y - x;
  diffs.sort();
  const m = diffs.length;
  const estimate =
    m % 2 ? (diffs[m >> 1] as number) : ((diffs[(m >> 1) - 1] as number) + (diffs[m >> 1] as number)) / 2;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const c = Math.floor(m / 2 - z * Math.sqrt((m * (n1 + n2 + 1)) / 12));
  if (c < 1) return { estimate, lower: null, upper: null };
  return { estimate, lower: diffs[c - 1] as number, upper: diffs[m - c] as number };
}
