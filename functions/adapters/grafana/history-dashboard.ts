import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { tablePanel, timeSeriesPanel } from './panel-kit';
import { type QueryDialect, type RunField, VAR } from './query-dialect';
import { metricsDsVariable, queryVariable } from './variables';

export const HISTORY_UID = 'k6fleet-history';

const TABLE_FIELDS: RunField[] = [
  'p95',
  'p99',
  'error_rate',
  'rps',
  'requests',
  'duration_ms',
  'vus_max',
  'start_skew_ms',
];

/** Every run of one test over months: one point per run (its whole-run summary numbers). */
export function historyDashboard(dialect: QueryDialect): dashboard.DashboardBuilder {
  const f = dialect.flavor;
  const d = dialect;
  const perRun = { points: true };
  return new dashboard.DashboardBuilder(`k6-fleet · test history (${f})`)
    .uid(`${HISTORY_UID}-${f}`)
    .tags(['k6-fleet', 'k6', f])
    .description('p95, error rate and throughput of each run of one test, from each run summary.')
    .editable()
    .time({ from: 'now-180d', to: 'now' })
    .variables([metricsDsVariable(f), queryVariable(d, VAR.testName, 'Test', d.testNames('runs'))])
    .withPanel(
      timeSeriesPanel(f, 'Latency per run (p50 / p95 / p99)', [d.runHistory(['p50', 'p95', 'p99'])], {
        unit: 'ms',
        ...perRun,
      }),
    )
    .withPanel(
      timeSeriesPanel(f, 'Error rate per run', [d.runHistory(['error_rate'])], {
        unit: 'percentunit',
        ...perRun,
      }),
    )
    .withPanel(
      timeSeriesPanel(f, 'Throughput per run', [d.runHistory(['rps'])], { unit: 'reqps', ...perRun }),
    )
    .withPanel(
      timeSeriesPanel(f, 'Checks passed per run', [d.runHistory(['checks_rate'])], {
        unit: 'percentunit',
        ...perRun,
      }),
    )
    .withPanel(tablePanel(f, 'Runs', d.runHistoryTable(TABLE_FIELDS), { width: 24 }));
}
