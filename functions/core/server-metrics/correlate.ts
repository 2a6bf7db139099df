import type { Correlation } from '../../contracts/server-metrics';

/** A series over the run's windows: `values[i]` belongs to window i (null: no value then). */
export interface WindowSeries {
  readonly name: string;
  readonly values: readonly (number | null | undefined)[];
}

export interface CorrelateOptions {
  /** Seconds per window, to state lags in seconds. */
  readonly windowSeconds: number;
  /** Lags tried, in windows either way. @default 2 */
  readonly maxLag?: number;
  /** Fewest paired windows a coefficient is computed from. @default 5 */
  readonly minWindows?: number;
  /** A series whose (max − min) is below this share of its largest |value| barely varies. @default 0.05 */
  readonly minRelativeRange?: number;
}

/** A lag other than 0 must beat the same-window |r| by this much: scrape jitter alone moves r a little. */
const LAG_MARGIN = 0.02;

/**
 * Every server series against every k6 metric: Pearson's r (and Spearman's rank
 * correlation at the same lag) at the best lag in −maxLag…+maxLag windows, sorted by |r|
 * descending. Series or metrics that barely vary are left out: a constant (pool size,
 * an idle error rate) has no correlation to speak of, and a near-constant one only
 * correlates with noise.
 */
export function correlateSeries(
  server: readonly WindowSeries[],
  k6: readonly WindowSeries[],
  options: CorrelateOptions,
): Correlation[] {
  const maxLag = options.maxLag ?? 2;
  const minWindows = options.minWindows ?? 5;
  const minRange = options.minRelativeRange ?? 0.05;
  const moving = (s: WindowSeries) => !barelyVaries(s.values, minRange);
  const out: Correlation[] = [];
  for (const metric of k6.filter(moving)) {
    for (const series of server.filter(moving)) {
      const best = bestLag(series.values, metric.values, maxLag, minWindows);
      if (best === undefined) continue;
      out.push({
        series: series.name,
        metric: metric.name,
        r: best.r,
        spearman: best.spearman,
        lagSeconds: best.lag * options.windowSeconds,
        windows: best.windows,
      });
    }
  }
  return out.sort((a, b) => Math.abs(b.r) - Math.abs(a.r) || a.series.localeCompare(b.series));
}

interface LagResult {
  readonly lag: number;
  readonly r: number;
  readonly spearman: number;
  readonly windows: number;
}

/** Lag L pairs server window i with k6 window i + L: L > 0 means the server moved first. */
function bestLag(
  x: WindowSeries['values'],
  y: WindowSeries['values'],
  maxLag: number,
  minWindows: number,
): LagResult | undefined {
  let best: LagResult | undefined;
  for (const lag of lagOrder(maxLag)) {
    const [xs, ys] = paired(x, y, lag);
    if (xs.length < minWindows) continue;
    const r = pearson(xs, ys);
    if (!Number.isFinite(r)) continue;
    if (best === undefined || Math.abs(r) > Math.abs(best.r) + LAG_MARGIN) {
      best = { lag, r, spearman: spearman(xs, ys), windows: xs.length };
    }
  }
  return best;
}

/** 0, −1, +1, −2, +2, …: the same window first, so it wins unless a lag is clearly better. */
function lagOrder(maxLag: number): number[] {
  const lags = [0];
  for (let l = 1; l <= maxLag; l++) lags.push(-l, l);
  return lags;
}

function paired(x: WindowSeries['values'], y: WindowSeries['values'], lag: number): [number[], number[]] {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const a = x[i];
    const b = y[i + lag];
    if (a === null || a === undefined || b === null || b === undefined) continue;
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    xs.push(a);
    ys.push(b);
  }
  return [xs, ys];
}

export function barelyVaries(values: WindowSeries['values'], minRelativeRange: number): boolean {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (max < min) return true;
  const scale = Math.max(Math.abs(min), Math.abs(max));
  return max - min <= minRelativeRange * scale;
}

/** Pearson's product-moment correlation; NaN when either side is constant. */
export function pearson(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i] as number;
    my += ys[i] as number;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    const dy = (ys[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return Number.NaN;
  return sxy / Math.sqrt(sxx * syy);
}

/** Spearman's rho: Pearson over ranks, ties sharing their average rank. */
export function spearman(xs: readonly number[], ys: readonly number[]): number {
  return pearson(ranks(xs), ranks(ys));
}

function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length);
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (
      j + 1 < order.length &&
      (order[j + 1] as readonly [number, number])[0] === (order[i] as readonly [number, number])[0]
    )
      j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[(order[k] as readonly [number, number])[1]] = rank;
    i = j + 1;
  }
  return out;
}
