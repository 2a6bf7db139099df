import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { elapsedPanel, tablePanel } from './panel-kit';
import { type QueryDialect, type RollupField, type RunField, VAR } from './query-dialect';
import { metricsDsVariable, queryVariable } from './variables';

export const COMPARE_UID = 'k6fleet-compare';

const RUN_FIELDS: RunField[] = [
  'p50',
  'p95',
  'p99',
  'error_rate',
  'rps',
  'requests',
  'checks_rate',
  'duration_ms',
  'vus_max',
];

/** Two runs of one test overlaid by elapsed time (x = ms since the run's start barrier). */
export function compareDashboard(dialect: QueryDialect): dashboard.DashboardBuilder {
  const f = dialect.flavor;
  const d = dialect;
  const overlay = (title: string, field: RollupField, unit?: string) =>
    elapsedPanel(
      f,
      title,
      [d.rollupByElapsed(field, VAR.runA, `A ${field}`), d.rollupByElapsed(field, VAR.runB, `B ${field}`)],
      unit,
    );
  return new dashboard.DashboardBuilder(`k6-fleet · compare two runs (${f})`)
    .uid(`${COMPARE_UID}-${f}`)
    .tags(['k6-fleet', 'k6', f])
    .description('Two runs of the same test, aligned by elapsed time.')
    .editable()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .time({ from: 'now-30d', to: 'now' })
    .variables([
      metricsDsVariable(f),
      queryVariable(d, VAR.testName, 'Test', d.testNames('runs')),
      queryVariable(d, VAR.runA, 'Run A', d.runIds('runs'), { sortDesc: true }),
      queryVariable(d, VAR.runB, 'Run B', d.runIds('runs'), { sortDesc: true }),
    ])
    .withPanel(
      tablePanel(f, 'Run A vs run B (whole run)', d.runsTable([VAR.runA, VAR.runB], RUN_FIELDS), {
        width: 24,
      }),
    )
    .withPanel(overlay('p95 by elapsed time', 'p95', 'ms'))
    .withPanel(overlay('p99 by elapsed time', 'p99', 'ms'))
    .withPanel(overlay('Requests/s by elapsed time', 'rps', 'reqps'))
    .withPanel(overlay('Error rate by elapsed time', 'error_rate', 'percentunit'))
    .withPanel(overlay('VUs by elapsed time', 'vus'))
    .withPanel(overlay('p50 by elapsed time', 'p50', 'ms'));
}
