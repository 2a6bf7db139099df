import { readPrometheusWindow, type ServerReadResult } from '../../adapters/prometheus/prometheus-reader';
import type { MetricsSink } from '../../adapters/sinks/metrics-sink';
import { putJson, type RunStore } from '../../adapters/store/run-store';
import { storedCorrelations } from '../../adapters/store/server-window-store';
import {
  type Anomaly,
  type Plan,
  type PrometheusSource,
  type RollupPoint,
  runKeys,
  type ServerMetricSource,
  type ServerOverview,
  type ServerSample,
  type ServerScrapeState,
  type ServerWindow,
  sourceLabel,
} from '../../contracts';
import type { WatchState } from '../../contracts/watch-state';
import { newAnomalies } from '../../core/anomaly/detect-anomalies';
import { poolSaturationFindings } from '../../core/anomaly/pool-saturation';
import { LIVE_TOP, topSeries } from '../../core/server-metrics/top-series';
import { anomalyEvent } from './sink-run-events';

/** Reads one window of one source; throws with the reason when it cannot. */
export type ServerSourceReader = (source: ServerMetricSource, prev: unknown) => Promise<ServerReadResult>;

/** Readers by source kind: local mode has Prometheus only; the AWS watcher adds CloudWatch. */
export type ServerReaders = Partial<Record<ServerMetricSource['kind'], ServerSourceReader>>;

/** Live correlations are recomputed every this many windows (they read the whole timeline). */
const LIVE_CORRELATION_EVERY = 5;

export function initialServerState(plan: Plan): ServerScrapeState {
  return {
    lastWindow: -1,
    prev: {},
    sources: (plan.serverMetrics ?? []).map((s) => ({ source: sourceLabel(s), scrapes: 0, failures: 0 })),
    correlations: [],
    latest: [],
    active: [],
  };
}

export interface ServerStepInput {
  readonly store: RunStore;
  readonly plan: Plan;
  readonly state: ServerScrapeState;
  readonly startAt: number | undefined;
  readonly finished: boolean;
  readonly now: number;
  readonly readers: ServerReaders;
  readonly sink?: MetricsSink;
  /** The latest timeline point and the ones before it, for the pool-saturation rule. */
  readonly latestPoint?: RollupPoint;
  readonly recentPoints?: readonly RollupPoint[];
}

export interface ServerStepResult {
  readonly record: ServerWindow;
  /** New server-side anomalies (a pool pinned at its size while latency climbs). */
  readonly anomalies: Anomaly[];
}

/**
 * The controller's server-metrics step, once per window while load runs: read every
 * source (in parallel, each bounded by its reader's timeout), store the window, send it
 * to the sink. A failing source is counted and named, never fatal: the load goes on.
 */
export async function collectServerMetrics(input: ServerStepInput): Promise<ServerStepResult | undefined> {
  const { plan, state, startAt, now } = input;
  const sources = plan.serverMetrics ?? [];
  if (sources.length === 0 || startAt === undefined || now < startAt || input.finished) return undefined;
  const window = Math.floor((now - startAt) / plan.timing.intervalMs);
  if (window <= state.lastWindow) return undefined;
  state.lastWindow = window;

  const reads = await Promise.all(sources.map((source) => readOne(input, source)));
  const samples = distinctSeries(reads.flatMap((r) => r.samples));
  const record: ServerWindow = {
    v: 1,
    window,
    t: now,
    samples,
    failures: reads.flatMap((r) => (r.error === undefined ? [] : [{ source: r.source, error: r.error }])),
  };
  await putJson(input.store, runKeys(plan.runId).serverWindow(window), record);
  await input.sink?.writeServerWindow(plan.runId, plan.testName, record);
  if (window > 0 && window % LIVE_CORRELATION_EVERY === 0) {
    state.correlations = (await storedCorrelations(input.store, plan)).slice(0, 20);
  }
  state.latest = topSeries(samples, state.correlations);
  const findings = poolSaturationFindings(samples, input.latestPoint, input.recentPoints ?? []);
  const found = newAnomalies(findings, state.active, now);
  state.active = found.active;
  return { record, anomalies: found.anomalies };
}

async function readOne(
  input: ServerStepInput,
  source: ServerMetricSource,
): Promise<{ source: string; samples: ServerSample[]; error?: string }> {
  const label = sourceLabel(source);
  const stats = input.state.sources.find((s) => s.source === label);
  const reader = input.readers[source.kind];
  try {
    if (reader === undefined) throw new Error(`${source.kind} sources are read by the AWS watcher only`);
    const result = await reader(source, input.state.prev[label]);
    input.state.prev[label] = result.prev;
    if (stats) stats.scrapes++;
    return { source: label, samples: result.values.map((v) => ({ ...v, source: label })) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (stats) {
      stats.scrapes++;
      stats.failures++;
      stats.lastError = message;
    }
    return { source: label, samples: [], error: message };
  }
}

/** Two sources exposing the same series (process_cpu_seconds_total…) are told apart by source. */
function distinctSeries(samples: ServerSample[]): ServerSample[] {
  const count = new Map<string, number>();
  for (const s of samples) count.set(s.series, (count.get(s.series) ?? 0) + 1);
  return samples.map((s) =>
    (count.get(s.series) ?? 0) > 1 ? { ...s, series: `${s.series} @ ${s.source}` } : s,
  );
}

export function serverOverview(state: ServerScrapeState): ServerOverview {
  return { sources: state.sources, top: state.latest, correlations: state.correlations.slice(0, LIVE_TOP) };
}

/** Local mode reads Prometheus sources only; the AWS watcher passes a CloudWatch reader too. */
export const DEFAULT_SERVER_READERS: ServerReaders = {
  prometheus: (source, prev) => readPrometheusWindow(source as PrometheusSource, prev),
};

/** Most anomalies a run keeps (as the k6-side rules do). */
const MAX_ANOMALIES = 200;

/**
 * The watch tick's server-metrics part: reads this window's sources (state kept in the
 * watch state), records pool-saturation anomalies beside the k6-side ones, and sends
 * them to the sink as events.
 */
export async function serverMetricsTick(
  t: Omit<ServerStepInput, 'state' | 'startAt' | 'latestPoint' | 'recentPoints'> & { watch: WatchState },
): Promise<void> {
  const { watch, plan } = t;
  if (!plan.serverMetrics?.length) return;
  watch.server ??= initialServerState(plan);
  const result = await collectServerMetrics({
    ...t,
    state: watch.server,
    startAt: watch.startAt,
    latestPoint: watch.lastPoint,
    recentPoints: watch.recentPoints,
  });
  for (const a of result?.anomalies ?? []) {
    if (watch.anomalies.length < MAX_ANOMALIES) watch.anomalies.push(a);
    await t.sink?.writeEvent(plan.runId, plan.testName, anomalyEvent(a));
  }
}
