import { FLEET } from '../../contracts/history-record';
import type { IntervalRecord } from '../../contracts/metrics';
import { MetricTable } from '../metrics/metric-table';
import type { WindowTables } from './window-timeline';

/**
 * Rebuilds, from a run's interval records, the whole-run table of each region and the
 * fleet and per-region table of each window — windows as the watcher cuts them (runners
 * resume together, so interval i of every runner lands in window i); setup-time records
 * count in the totals only.
 */
export function tablesFromIntervals(
  records: readonly IntervalRecord[],
  startAt: number | undefined,
  intervalMs: number,
): { regionTables: Map<string, MetricTable>; windows: WindowTables[] } {
  const regionTables = new Map<string, MetricTable>();
  const byWindow = new Map<number, Map<string, MetricTable>>();
  const sorted = [...records].sort((a, b) => a.seq - b.seq || a.endMs - b.endMs);
  const tableIn = (m: Map<string, MetricTable>, key: string) => {
    let t = m.get(key);
    if (!t) {
      t = new MetricTable();
      m.set(key, t);
    }
    return t;
  };
  for (const rec of sorted) {
    tableIn(regionTables, rec.region).addRecord(rec);
    if (startAt === undefined || rec.endMs <= startAt) continue;
    const idx = Math.floor((rec.endMs - startAt - 1) / intervalMs);
    let w = byWindow.get(idx);
    if (!w) {
      w = new Map();
      byWindow.set(idx, w);
    }
    tableIn(w, FLEET).addRecord(rec);
    tableIn(w, rec.region).addRecord(rec);
  }
  const windows = [...byWindow.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([idx, tables]) => ({ elapsedMs: (idx + 1) * intervalMs, tables }));
  return { regionTables, windows };
}
