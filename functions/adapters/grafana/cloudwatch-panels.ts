import * as cloudwatch from '@grafana/grafana-foundation-sdk/cloudwatch';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { cloudwatchDs } from './datasources';

/**
 * The target's own metrics from CloudWatch, on the same time axis as the load: the
 * service is picked with variables (namespace, dimension, value), the database
 * separately (a target on ECS usually has an RDS behind it).
 */
export const CW_VAR = {
  region: 'cw_region',
  namespace: 'cw_namespace',
  dimension: 'cw_dimension',
  value: 'cw_dimension_value',
  dbDimension: 'db_dimension',
  dbId: 'db_id',
} as const;

const v = (name: string): string => `$${name}`;

export function cloudwatchVariables(): cog.Builder<dashboard.VariableModel>[] {
  return [
    new dashboard.TextBoxVariableBuilder(CW_VAR.region).label('AWS region').defaultValue('default'),
    new dashboard.CustomVariableBuilder(CW_VAR.namespace)
      .label('Target namespace')
      .values('AWS/EC2,AWS/ECS,AWS/Lambda,AWS/RDS')
      .current({ text: 'AWS/ECS', value: 'AWS/ECS' }),
    new dashboard.CustomVariableBuilder(CW_VAR.dimension)
      .label('Dimension')
      .values(
        'ServiceName,ClusterName,InstanceId,AutoScalingGroupName,FunctionName,DBInstanceIdentifier,DBClusterIdentifier',
      )
      .current({ text: 'ServiceName', value: 'ServiceName' }),
    new dashboard.TextBoxVariableBuilder(CW_VAR.value).label('Dimension value').defaultValue(''),
    new dashboard.CustomVariableBuilder(CW_VAR.dbDimension)
      .label('DB dimension')
      .values('DBInstanceIdentifier,DBClusterIdentifier')
      .current({ text: 'DBInstanceIdentifier', value: 'DBInstanceIdentifier' }),
    new dashboard.TextBoxVariableBuilder(CW_VAR.dbId).label('DB id').defaultValue(''),
  ];
}

function metric(
  refId: string,
  namespace: string,
  metricName: string,
  dims: Record<string, string>,
  statistic = 'Average',
): cloudwatch.MetricsQueryBuilder {
  return new cloudwatch.MetricsQueryBuilder()
    .refId(refId)
    .datasource(cloudwatchDs())
    .queryMode(cloudwatch.QueryMode.Metrics)
    .metricQueryType(cloudwatch.MetricQueryType.Search)
    .metricEditorMode(cloudwatch.MetricEditorMode.Builder)
    .region(v(CW_VAR.region))
    .namespace(namespace)
    .metricName(metricName)
    .dimensions(dims)
    .matchExact(true)
    .statistic(statistic)
    .period('')
    .label(`${metricName} \${PROP('Stat')}`);
}

function cwPanel(
  title: string,
  unit: string,
  targets: cloudwatch.MetricsQueryBuilder[],
): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .title(title)
    .datasource(cloudwatchDs())
    .targets(targets)
    .unit(unit)
    .height(8)
    .span(6)
    .lineWidth(2)
    .spanNulls(true)
    .showPoints(common.VisibilityMode.Never);
}

export function cloudwatchPanels(): timeseries.PanelBuilder[] {
  const target = { [v(CW_VAR.dimension)]: v(CW_VAR.value) };
  const db = { [v(CW_VAR.dbDimension)]: v(CW_VAR.dbId) };
  // One unit per panel: Grafana draws one y axis per unit, and a byte count on a percent
  // axis (or connections beside CPU %) reads as nonsense.
  return [
    cwPanel('Target CPU', 'percent', [metric('A', v(CW_VAR.namespace), 'CPUUtilization', target)]),
    cwPanel('Target memory', 'percent', [
      // ECS reports a utilisation, EC2 only through the CloudWatch agent.
      metric('A', v(CW_VAR.namespace), 'MemoryUtilization', target),
      metric('B', 'CWAgent', 'mem_used_percent', target),
    ]),
    cwPanel('Database connections', 'short', [metric('A', 'AWS/RDS', 'DatabaseConnections', db, 'Maximum')]),
    cwPanel('Database CPU', 'percent', [metric('A', 'AWS/RDS', 'CPUUtilization', db)]),
    // RDS reports free memory in bytes: falling means the database is short of memory.
    cwPanel('Database freeable memory', 'bytes', [metric('A', 'AWS/RDS', 'FreeableMemory', db, 'Minimum')]),
    cwPanel('Target Lambda: concurrency, errors, throttles', 'short', [
      metric('A', 'AWS/Lambda', 'ConcurrentExecutions', target, 'Maximum'),
      metric('B', 'AWS/Lambda', 'Errors', target, 'Sum'),
      metric('C', 'AWS/Lambda', 'Throttles', target, 'Sum'),
    ]),
    cwPanel('Target Lambda duration', 'ms', [metric('A', 'AWS/Lambda', 'Duration', target, 'p95')]),
  ];
}
