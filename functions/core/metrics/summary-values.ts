import { histogramMean, histogramQuantile } from '../histogram/histogram-quantile';
import type { Aggregate } from './aggregate';

/** k6's default summaryTrendStats. */
export const DEFAULT_TREND_STATS: readonly string[] = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];

const PERCENTILE = /^p\((\d+(?:\.\d+)?)\)$/;

/** 'p(99.9)' → 0.999; null when `stat` is not a percentile or is above 100. */
export function parsePercentileStat(stat: string): number | null {
  const m = PERCENTILE.exec(stat);
  if (!m) return null;
  const n = Number(m[1]);
  return n <= 100 ? n / 100 : null;
}

function perSecond(count: number, durationMs: number): number {
  return durationMs > 0 ? count / (durationMs / 1000) : 0;
}

/**
 * One statistic of an aggregate, as k6 names them: counter count/rate; gauge value
 * (and min/max); rate rate/passes/fails; trend avg/min/max/med/p(N)/count. Null when
 * the stat does not apply to the metric type, or for a trend or rate with no samples
 * (k6 does not evaluate thresholds on empty sinks).
 */
export function statValue(agg: Aggregate, stat: string, durationMs: number): number | null {
  switch (agg.type) {
    case 'counter':
      if (stat === 'count') return agg.value;
      if (stat === 'rate') return perSecond(agg.value, durationMs);
      return null;
    case 'gauge':
      if (stat === 'value') return agg.value;
      if (stat === 'min') return agg.min;
      if (stat === 'max') return agg.max;
      return null;
    case 'rate':
      if (agg.total === 0) return null;
      if (stat === 'rate') return agg.nonzero / agg.total;
      if (stat === 'passes') return agg.nonzero;
      if (stat === 'fails') return agg.total - agg.nonzero;
      return null;
    case 'trend': {
      const h = agg.hist;
      if (stat === 'count') return h.count;
      if (h.count === 0) return null;
      if (stat === 'avg') return histogramMean(h);
      if (stat === 'min') return h.min;
      if (stat === 'max') return h.max;
      if (stat === 'med') return histogramQuantile(h, 0.5);
      const q = parsePercentileStat(stat);
      return q === null ? null : histogramQuantile(h, q);
    }
  }
}

/**
 * The `values` of a metric in k6's handleSummary data: counter {count, rate}; gauge
 * {value, min, max}; rate {rate, passes, fails}; trend: exactly the requested trendStats
 * (any of avg, min, med, max, p(N), count), in order. Empty sinks give 0s, as k6 does.
 */
export function summaryValues(
  agg: Aggregate,
  opts: { durationMs: number; trendStats: readonly string[] },
): Record<string, number> {
  const { durationMs } = opts;
  switch (agg.type) {
    case 'counter':
      return { count: agg.value, rate: perSecond(agg.value, durationMs) };
    case 'gauge':
      return { value: agg.value, min: agg.min, max: agg.max };
    case 'rate':
      return {
        rate: agg.total > 0 ? agg.nonzero / agg.total : 0,
        passes: agg.nonzero,
        fails: agg.total - agg.nonzero,
      };
    case 'trend': {
      const values: Record<string, number> = {};
      for (const stat of opts.trendStats) values[stat] = statValue(agg, stat, durationMs) ?? 0;
      return values;
    }
  }
}
