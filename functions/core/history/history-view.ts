import type { HistoryIndexEntry } from '../../contracts/history-record';
import { type ChangePoint, changePoints } from './e-divisive';

/** The per-run numbers change points are searched in (each oldest first). */
export const TREND_METRICS = ['p50', 'p95', 'p99', 'rps', 'errorRate'] as const;
export type TrendMetric = (typeof TREND_METRICS)[number];

export interface HistoryChangePoint extends ChangePoint {
  metric: TrendMetric;
  /** The first run after the change. */
  runId: string;
}

export interface HistoryView {
  testName: string;
  runs: HistoryIndexEntry[];
  changePoints: HistoryChangePoint[];
}

export function trendValue(e: HistoryIndexEntry, m: TrendMetric): number | null {
  return e.headline[m];
}

/** Change points per trend metric over the listed runs (runs without the metric skipped). */
export function historyChangePoints(entries: readonly HistoryIndexEntry[]): HistoryChangePoint[] {
  const out: HistoryChangePoint[] = [];
  for (const metric of TREND_METRICS) {
    const present = entries
      .map((e, i) => ({ i, v: trendValue(e, metric) }))
      .filter((x): x is { i: number; v: number } => x.v !== null && Number.isFinite(x.v));
    for (const cp of changePoints(present.map((x) => x.v))) {
      const at = present[cp.index] as { i: number };
      out.push({ ...cp, index: at.i, metric, runId: (entries[at.i] as HistoryIndexEntry).runId });
    }
  }
  return out.sort((a, b) => a.index - b.index);
}
