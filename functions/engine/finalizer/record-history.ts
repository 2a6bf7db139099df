import { mapLimited } from '../../adapters/store/map-limited';
import { getJson, type RunStore } from '../../adapters/store/run-store';
import { loadServerWindows } from '../../adapters/store/server-window-store';
import { type IntervalRecord, IntervalRecordSchema, type Plan, runKeys, type Summary } from '../../contracts';
import type { HistoryRecordV2 } from '../../contracts/history-record';
import { buildHistoryRecord } from '../../core/history/build-history-record';
import { tablesFromIntervals } from '../../core/history/interval-windows';
import { serverHistory } from '../../core/history/server-history';
import type { MetricTable } from '../../core/metrics/metric-table';

/**
 * Builds the run's v2 history record (writeHistory stores it). The watcher keeps only the fleet-wide whole-run table
 * and reduced per-window stats, so the per-region totals and the per-window values of every
 * metric are rebuilt here from the interval records (they expire days after the run).
 */
export async function buildRunRecord(
  store: RunStore,
  input: { plan: Plan; summary: Summary; table: MetricTable; startAt: number | undefined },
): Promise<HistoryRecordV2> {
  const keys = runKeys(input.plan.runId);
  const listed = await store.list(keys.intervalsPrefix);
  const records = (
    await mapLimited(listed, (k) =>
      getJson(store, k, (v) => IntervalRecordSchema.parse(v)).catch(() => undefined),
    )
  ).filter((r): r is IntervalRecord => r !== undefined);
  const { regionTables, windows } = tablesFromIntervals(records, input.startAt, input.plan.timing.intervalMs);
  const record = buildHistoryRecord({
    plan: input.plan,
    summary: input.summary,
    table: input.table,
    regionTables,
    windows,
    label: input.plan.tags['k6fleet.label'],
    gitSha: input.plan.tags['k6fleet.gitSha'],
  });
  if (input.plan.serverMetrics?.length) {
    record.server = serverHistory(
      await loadServerWindows(store, input.plan.runId),
      input.summary.fleet.correlations ?? [],
    );
  }
  return record;
}
