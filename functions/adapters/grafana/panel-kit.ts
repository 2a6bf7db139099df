import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import * as trend from '@grafana/grafana-foundation-sdk/trend';
import { type Flavor, metricsDs } from './datasources';
import type { DashboardQuery } from './query-dialect';
import { InfluxQlQueryBuilder, TimestreamQueryBuilder } from './raw-queries';

/** A data-source target for one dialect query. */
export function target(flavor: Flavor, query: DashboardQuery, refId = 'A'): cog.Builder<cog.Dataquery> {
  if (flavor === 'timestream') {
    return new TimestreamQueryBuilder(query.text).refId(refId).datasource(metricsDs(flavor));
  }
  if (flavor === 'prometheus') {
    const p = new prometheus.DataqueryBuilder()
      .expr(query.text)
      .refId(refId)
      .datasource(metricsDs(flavor))
      .editorMode(prometheus.QueryEditorMode.Code)
      .format(
        query.format === 'table' ? prometheus.PromQueryFormat.Table : prometheus.PromQueryFormat.TimeSeries,
      );
    if (query.instant) p.instant();
    else p.range();
    return query.alias ? p.legendFormat(query.alias) : p;
  }
  const b = new InfluxQlQueryBuilder(query.text, query.format).refId(refId).datasource(metricsDs(flavor));
  return query.alias ? b.alias(query.alias) : b;
}

const legend = () =>
  new common.VizLegendOptionsBuilder()
    .showLegend(true)
    .displayMode(common.LegendDisplayMode.List)
    .placement(common.LegendPlacement.Bottom);

export function timeSeriesPanel(
  flavor: Flavor,
  title: string,
  queries: DashboardQuery[],
  opts: { unit?: string; description?: string; minInterval?: string; width?: number; points?: boolean } = {},
): timeseries.PanelBuilder {
  const p = new timeseries.PanelBuilder()
    .title(title)
    .datasource(metricsDs(flavor))
    .targets(queries.map((q, i) => target(flavor, q, String.fromCharCode(65 + i))))
    .height(8)
    .span(opts.width ?? 12)
    .lineWidth(opts.points ? 1 : 2)
    .fillOpacity(opts.points ? 0 : 8)
    .showPoints(opts.points ? common.VisibilityMode.Always : common.VisibilityMode.Never)
    .spanNulls(true)
    .legend(legend());
  if (opts.unit) p.unit(opts.unit);
  if (opts.description) p.description(opts.description);
  if (opts.minInterval) p.interval(opts.minInterval);
  return p;
}

export function statPanel(
  flavor: Flavor,
  title: string,
  query: DashboardQuery,
  opts: { unit?: string; decimals?: number; thresholds?: dashboard.Threshold[] } = {},
): stat.PanelBuilder {
  const p = new stat.PanelBuilder()
    .title(title)
    .datasource(metricsDs(flavor))
    .withTarget(target(flavor, query))
    .height(4)
    .span(4)
    .graphMode(common.BigValueGraphMode.Area)
    .colorMode(common.BigValueColorMode.Value)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
  if (opts.unit) p.unit(opts.unit);
  if (opts.decimals !== undefined) p.decimals(opts.decimals);
  if (opts.thresholds) {
    p.thresholds(
      new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(opts.thresholds),
    );
  }
  return p;
}

export function tablePanel(
  flavor: Flavor,
  title: string,
  query: DashboardQuery,
  opts: { width?: number; mappings?: dashboard.ValueMapping[]; description?: string } = {},
): table.PanelBuilder {
  const p = new table.PanelBuilder()
    .title(title)
    .datasource(metricsDs(flavor))
    .withTarget(target(flavor, query))
    .height(8)
    .span(opts.width ?? 12);
  if (opts.mappings) p.mappings(opts.mappings);
  if (opts.description) p.description(opts.description);
  if (query.pivot) {
    // An instant PromQL table has one row per series and its number in `Value`.
    p.withTransformation({
      id: 'groupingToMatrix',
      options: { rowField: query.pivot.rows, columnField: query.pivot.columns, valueField: 'Value' },
    });
  }
  return p;
}

/** Runs overlaid by elapsed time: a trend panel (x = elapsed_ms) with one query per run. */
export function elapsedPanel(
  flavor: Flavor,
  title: string,
  queries: DashboardQuery[],
  unit?: string,
): trend.PanelBuilder {
  const p = new trend.PanelBuilder()
    .title(title)
    .datasource(metricsDs(flavor))
    .targets(queries.map((q, i) => target(flavor, q, String.fromCharCode(65 + i))))
    .xField('elapsed_ms')
    .height(8)
    .span(12)
    .lineWidth(2)
    .spanNulls(true)
    .showPoints(common.VisibilityMode.Never)
    .legend(legend());
  if (flavor === 'prometheus') {
    // PromQL gives elapsed_ms and the value as two series per run (told apart by `field`):
    // one table per run with them as columns, rows paired by sample index (same rollup points).
    p.withTransformation({ id: 'joinByLabels', options: { value: 'field', join: ['run_id'] } });
  }
  // Table results carry a time column; the overlay is by elapsed time only.
  p.withTransformation({ id: 'organize', options: { excludeByName: { Time: true, time: true } } });
  if (unit) p.unit(unit);
  return p;
}

export const PASS_FAIL: dashboard.ValueMapping[] = [
  {
    type: dashboard.MappingType.ValueToText,
    options: {
      '1': { text: 'PASS', color: 'green', index: 0 },
      '0': { text: 'FAIL', color: 'red', index: 1 },
    },
  },
];

export const row = (title: string): dashboard.RowBuilder => new dashboard.RowBuilder(title);
