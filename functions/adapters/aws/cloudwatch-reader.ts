import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchSource } from '../../contracts/server-metrics';
import type { ServerReadResult } from '../prometheus/prometheus-reader';

/** How far back a read looks: CloudWatch publishes standard metrics a minute or more late. */
const LOOKBACK_PERIODS = 5;
/** A probe looks this far back for any datapoint: a typo in a dimension gives none, not an error. */
const PROBE_LOOKBACK_MS = 3 * 3600_000;

/** A CloudWatch client per region, made on first use (sources may name any region). */
export type CloudWatchClients = (region: string) => CloudWatchClient;

export function cloudWatchClientsByRegion(endpoint?: string): CloudWatchClients {
  const clients = new Map<string, CloudWatchClient>();
  return (region) => {
    let client = clients.get(region);
    if (!client) {
      client = new CloudWatchClient({ region, ...(endpoint ? { endpoint } : {}) });
      clients.set(region, client);
    }
    return client;
  };
}

/** The series a source is shown under: `AWS/RDS CPUUtilization{DBInstanceIdentifier="db-1"} Average`. */
export function cloudWatchSeries(source: CloudWatchSource): string {
  const dims = Object.entries(source.dimensions ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}="${v}"`);
  return `${source.namespace} ${source.metric}${dims.length ? `{${dims.join(',')}}` : ''} ${source.statistic}`;
}

function query(source: CloudWatchSource): MetricDataQuery {
  return {
    Id: 'm0',
    ReturnData: true,
    MetricStat: {
      Metric: {
        Namespace: source.namespace,
        MetricName: source.metric,
        Dimensions: Object.entries(source.dimensions ?? {}).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: source.periodSeconds ?? 60,
      Stat: source.statistic,
    },
  };
}

/** The newest datapoint in [from, to], or undefined; AWS's own message on an error. */
async function latestValue(
  client: CloudWatchClient,
  source: CloudWatchSource,
  from: number,
  to: number,
): Promise<{ t: number; value: number } | undefined> {
  try {
    const out = await client.send(
      new GetMetricDataCommand({
        MetricDataQueries: [query(source)],
        StartTime: new Date(from),
        EndTime: new Date(to),
        ScanBy: 'TimestampDescending',
      }),
    );
    const result = out.MetricDataResults?.[0];
    const points = (result?.Timestamps ?? []).map((t, i) => ({ t: t.getTime(), value: result?.Values?.[i] }));
    const newest = points
      .filter((p): p is { t: number; value: number } => Number.isFinite(p.value))
      .sort((a, b) => b.t - a.t)[0];
    return newest;
  } catch (error) {
    const e = error as Error;
    throw new Error(`CloudWatch GetMetricData: ${e.name}: ${e.message}`);
  }
}

/**
 * One window of a CloudWatch source: the newest datapoint of its statistic. CloudWatch
 * periods (≥ 1 s, usually 60 s) are longer than a window, so until a new datapoint
 * appears the last one is repeated (kept in `prev`) rather than leaving the window empty.
 */
export async function readCloudWatchWindow(
  source: CloudWatchSource,
  prev: unknown,
  client: CloudWatchClient,
  now: number = Date.now(),
): Promise<ServerReadResult> {
  const periodMs = (source.periodSeconds ?? 60) * 1000;
  const latest = (await latestValue(client, source, now - LOOKBACK_PERIODS * periodMs, now)) ?? asPoint(prev);
  if (latest === undefined) return { values: [], prev };
  return { values: [{ series: cloudWatchSeries(source), value: latest.value }], prev: latest };
}

/** The planner's probe: AWS refuses the query (its message), or the metric has no datapoints. */
export async function probeCloudWatch(
  source: CloudWatchSource,
  client: CloudWatchClient,
  now: number = Date.now(),
): Promise<void> {
  const latest = await latestValue(client, source, now - PROBE_LOOKBACK_MS, now);
  if (latest === undefined) {
    throw new Error(
      `no datapoints for ${cloudWatchSeries(source)} in ${source.region} in the last 3 hours: check the namespace, metric name, dimensions and region`,
    );
  }
}

function asPoint(v: unknown): { t: number; value: number } | undefined {
  const p = v as { t?: unknown; value?: unknown } | undefined;
  return typeof p?.t === 'number' && typeof p.value === 'number' ? { t: p.t, value: p.value } : undefined;
}
