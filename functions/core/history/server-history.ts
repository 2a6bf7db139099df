import type { ServerHistory } from '../../contracts/history-record';
import type { Correlation, ServerWindow } from '../../contracts/server-metrics';

/** Series a record keeps (node_exporter alone has hundreds): the correlated ones first. */
export const MAX_HISTORY_SERIES = 40;
/** Correlations a record keeps. */
export const MAX_HISTORY_CORRELATIONS = 10;

/**
 * The server part of a history record: mean and max of each series over the windows it
 * was read in, the series the run's correlations name first (they are what a comparison
 * asks about), then by name.
 */
export function serverHistory(
  windows: readonly ServerWindow[],
  correlations: readonly Correlation[],
): ServerHistory {
  const values = new Map<string, number[]>();
  for (const w of windows) {
    for (const s of w.samples) {
      if (!Number.isFinite(s.value)) continue;
      const list = values.get(s.series) ?? [];
      list.push(s.value);
      values.set(s.series, list);
    }
  }
  const rank = new Map<string, number>();
  correlations.forEach((c, i) => {
    if (!rank.has(c.series)) rank.set(c.series, i);
  });
  const series = [...values]
    .map(([name, v]) => ({
      series: name,
      mean: v.reduce((a, b) => a + b, 0) / v.length,
      max: Math.max(...v),
      windows: v.length,
    }))
    .sort(
      (a, b) =>
        (rank.get(a.series) ?? Number.POSITIVE_INFINITY) - (rank.get(b.series) ?? Number.POSITIVE_INFINITY) ||
        a.series.localeCompare(b.series),
    )
    .slice(0, MAX_HISTORY_SERIES);
  return { series, correlations: correlations.slice(0, MAX_HISTORY_CORRELATIONS) };
}
