import { FLEET, type HistoryRecordV2, timelineKey } from '../../contracts/history-record';
import type { MetricTable } from '../metrics/metric-table';
import { statValue } from '../metrics/summary-values';

/** The per-window stats kept for a trend metric (the comparison's per-window test uses them). */
export const WINDOW_TREND_STATS = ['med', 'p(90)', 'p(95)', 'p(99)'] as const;

/** Metrics kept per region per window too (fleet-wide every metric is kept). */
export const REGION_METRICS: ReadonlySet<string> = new Set([
  'http_req_duration',
  'http_reqs',
  'http_req_failed',
  'iterations',
  'checks',
  'iteration_duration',
]);

/** One closed window: the fleet's table under FLEET and one per region. */
export interface WindowTables {
  elapsedMs: number;
  tables: ReadonlyMap<string, MetricTable>;
}

/** Five significant digits: plenty for a per-window test, and a third of the bytes. */
const round = (v: number) => (v === 0 || !Number.isFinite(v) ? v : Number(v.toPrecision(5)));

/** The stats of one metric in one window, as [stat, value] pairs (gauges are not kept). */
function windowStats(
  table: MetricTable,
  metric: string,
  tags: Record<string, string>,
  windowMs: number,
): Array<[string, number | null]> {
  const sel = table.select(metric, tags);
  if (!sel) return [];
  if (sel.agg.type === 'trend') return WINDOW_TREND_STATS.map((s) => [s, statValue(sel.agg, s, windowMs)]);
  if (sel.agg.type === 'rate' || sel.agg.type === 'counter')
    return [['rate', statValue(sel.agg, 'rate', windowMs)]];
  return [];
}

/**
 * Columnar per-window values for the history record: every metric fleet-wide, the
 * REGION_METRICS per region, and the submetrics thresholds name fleet-wide.
 */
export function windowTimeline(
  windows: readonly WindowTables[],
  intervalMs: number,
  submetrics: ReadonlyArray<{ selector: string; metric: string; tags: Record<string, string> }> = [],
): HistoryRecordV2['timeline'] {
  const series: Record<string, Array<number | null>> = {};
  windows.forEach((w, i) => {
    for (const [region, table] of w.tables) {
      const names: Array<[string, string, Record<string, string>]> = table
        .metricNames()
        .filter((m) => region === FLEET || REGION_METRICS.has(m))
        .map((m) => [m, m, {}]);
      if (region === FLEET) for (const s of submetrics) names.push([s.selector, s.metric, s.tags]);
      for (const [key0, metric, tags] of names) {
        for (const [stat, v] of windowStats(table, metric, tags, intervalMs)) {
          const key = timelineKey(key0, stat, region);
          series[key] ??= new Array<number | null>(windows.length).fill(null);
          (series[key] as Array<number | null>)[i] = v === null ? null : round(v);
        }
      }
    }
  });
  return { elapsedMs: windows.map((w) => w.elapsedMs), series };
}
