import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { eventAnnotation } from './annotations';
import { cloudwatchPanels, cloudwatchVariables } from './cloudwatch-panels';
import { PASS_FAIL, row, statPanel, tablePanel, timeSeriesPanel } from './panel-kit';
import { type QueryDialect, VAR } from './query-dialect';
import { cloudwatchDsVariable, metricsDsVariable, queryVariable } from './variables';

export const LIVE_UID = 'k6fleet-live';

/**
 * The run as it happens: global and per-region throughput, VUs, errors and latency
 * percentiles (the watcher's rollups, from merged histograms), thresholds and checks,
 * data rates, each runner's CPU and memory, and the target's own metrics from
 * CloudWatch on the same time axis; run events as annotations.
 */
export function liveDashboard(dialect: QueryDialect): dashboard.DashboardBuilder {
  const f = dialect.flavor;
  const d = dialect;
  const b = new dashboard.DashboardBuilder(`k6-fleet · live run (${f})`)
    .uid(`${LIVE_UID}-${f}`)
    .tags(['k6-fleet', 'k6', f])
    .description(
      'A k6-fleet run live: global and per-region load, latency, errors, thresholds, runners and the target.',
    )
    .editable()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .time({ from: 'now-15m', to: 'now' })
    .refresh('5s')
    .variables([
      metricsDsVariable(f),
      cloudwatchDsVariable(),
      queryVariable(d, VAR.testName, 'Test', d.testNames('live')),
      queryVariable(d, VAR.runId, 'Run', d.runIds('live'), { sortDesc: true }),
      queryVariable(d, VAR.region, 'Region', d.regions(), { multi: true }),
      ...cloudwatchVariables(),
    ])
    .annotation(eventAnnotation(d, f));
  nowRow(b, d);
  globalRow(b, d);
  perRegionRow(b, d);
  thresholdsAndRunnersRows(b, d);
  b.withRow(row('Target (CloudWatch)'));
  for (const p of cloudwatchPanels()) b.withPanel(p);
  return b;
}

/** The latest window, fleet-wide, as big numbers. */
function nowRow(b: dashboard.DashboardBuilder, d: QueryDialect): void {
  const f = d.flavor;
  b.withRow(row('Now (global)'))
    .withPanel(statPanel(f, 'Requests/s', d.rollupGlobal(['rps']), { unit: 'reqps', decimals: 0 }))
    .withPanel(statPanel(f, 'VUs', d.rollupGlobal(['vus']), { decimals: 0 }))
    .withPanel(
      statPanel(f, 'Error rate', d.rollupGlobal(['error_rate']), {
        unit: 'percentunit',
        decimals: 2,
        thresholds: [
          { value: null, color: 'green' },
          { value: 0.01, color: 'red' },
        ],
      }),
    )
    .withPanel(statPanel(f, 'p95', d.rollupGlobal(['p95']), { unit: 'ms', decimals: 1 }))
    .withPanel(statPanel(f, 'p99', d.rollupGlobal(['p99']), { unit: 'ms', decimals: 1 }))
    .withPanel(
      statPanel(f, 'Checks passed', d.rollupGlobal(['checks_rate']), { unit: 'percentunit', decimals: 2 }),
    );
}

/** Fleet-wide series over the run. */
function globalRow(b: dashboard.DashboardBuilder, d: QueryDialect): void {
  const f = d.flavor;
  b.withRow(row('Global'))
    .withPanel(timeSeriesPanel(f, 'Requests/s and VUs', [d.rollupGlobal(['rps', 'vus'])]))
    .withPanel(
      timeSeriesPanel(
        f,
        'Latency percentiles (merged histograms)',
        [d.rollupGlobal(['p50', 'p90', 'p95', 'p99'])],
        {
          unit: 'ms',
          description:
            'Global percentiles computed by the watcher from merged runner histograms, never averaged.',
        },
      ),
    )
    .withPanel(timeSeriesPanel(f, 'Error rate', [d.rollupGlobal(['error_rate'])], { unit: 'percentunit' }))
    .withPanel(
      timeSeriesPanel(f, 'Checks passed', [d.rollupGlobal(['checks_rate'])], { unit: 'percentunit' }),
    )
    .withPanel(
      timeSeriesPanel(
        f,
        'Data sent / received',
        [d.counterRate('data_sent', 'sent'), d.counterRate('data_received', 'received')],
        {
          unit: 'Bps',
          minInterval: '10s',
          width: 24,
        },
      ),
    );
}

/** The same series split by region. */
function perRegionRow(b: dashboard.DashboardBuilder, d: QueryDialect): void {
  const f = d.flavor;
  b.withRow(row('Per region'))
    .withPanel(timeSeriesPanel(f, 'Requests/s by region', [d.rollupByRegion('rps')], { unit: 'reqps' }))
    .withPanel(timeSeriesPanel(f, 'p95 by region', [d.rollupByRegion('p95')], { unit: 'ms' }))
    .withPanel(timeSeriesPanel(f, 'p99 by region', [d.rollupByRegion('p99')], { unit: 'ms' }))
    .withPanel(
      timeSeriesPanel(f, 'Error rate by region', [d.rollupByRegion('error_rate')], { unit: 'percentunit' }),
    )
    .withPanel(timeSeriesPanel(f, 'VUs by region', [d.rollupByRegion('vus')]))
    .withPanel(timeSeriesPanel(f, 'p50 by region', [d.rollupByRegion('p50')], { unit: 'ms' }));
}

/** Thresholds and checks on merged data, then each runner's CPU and memory. */
function thresholdsAndRunnersRows(b: dashboard.DashboardBuilder, d: QueryDialect): void {
  const f = d.flavor;
  b.withRow(row('Thresholds and checks'))
    .withPanel(
      tablePanel(f, 'Thresholds (latest, evaluated on merged data)', d.thresholdsTable(), {
        mappings: PASS_FAIL,
      }),
    )
    .withPanel(tablePanel(f, 'Checks', d.checksTable()))
    .withRow(row('Runners'))
    .withPanel(timeSeriesPanel(f, 'Runner CPU', [d.processByRunner('cpu')], { unit: 'percent' }))
    .withPanel(timeSeriesPanel(f, 'Runner memory (RSS)', [d.processByRunner('rss')], { unit: 'bytes' }))
    .withPanel(timeSeriesPanel(f, 'k6 CPU per runner', [d.processByRunner('k6_cpu')], { unit: 'percent' }))
    .withPanel(timeSeriesPanel(f, 'k6 memory per runner', [d.processByRunner('k6_rss')], { unit: 'bytes' }));
}
