import type {
  ExpHistogram,
  IntervalRecord,
  LiveStats,
  RollupPoint,
  Series,
  ServerWindow,
  Summary,
  ThresholdState,
} from '../../contracts';
import {
  DIM,
  type EventKind,
  GLOBAL_REGION,
  MEASURE,
  type MeasureName,
  SCOPE,
  TIMESTREAM_LIMITS,
  tagDim,
} from './schema';

/**
 * The writer-neutral form of everything a sink stores: groups of points that share some
 * dimensions (Timestream lifts them into CommonAttributes; line protocol repeats them as
 * tags). Built only from schema.ts names.
 */
export type FieldValue = number | string | ExpHistogram;

export interface SinkPoint {
  measure: MeasureName;
  /** Epoch milliseconds. */
  time: number;
  /** Dimensions beyond the group's common ones. */
  dims: Record<string, string>;
  fields: Record<string, FieldValue>;
}

export interface PointGroup {
  common: Record<string, string>;
  points: SinkPoint[];
}

export interface SinkEvent {
  at: number;
  kind: EventKind;
  text: string;
  region?: string;
}

/** Longest tag value kept as a dimension; longer ones are cut (bounded record size). */
const MAX_TAG_VALUE_CHARS = 256;
/** Event text cap, so an event record stays far below the 2 KB record limit. */
const MAX_EVENT_TEXT_BYTES = 1024;

function putNumber(fields: Record<string, FieldValue>, name: string, v: number | null | undefined): void {
  // Neither Timestream nor line protocol can store NaN/Infinity; null means "no data".
  if (v !== null && v !== undefined && Number.isFinite(v)) fields[name] = v;
}

/** Kept k6 tags → `tag_<k>` dimensions; empty values are skipped (Timestream rejects them). */
export function tagDims(tags: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags)) {
    const name = tagDim(k);
    if (v === '' || Buffer.byteLength(name) > TIMESTREAM_LIMITS.dimensionNameBytes) continue;
    out[name] = v.length > MAX_TAG_VALUE_CHARS ? v.slice(0, MAX_TAG_VALUE_CHARS) : v;
  }
  return out;
}

export function seriesFields(s: Series, intervalMs: number): Record<string, FieldValue> {
  const f: Record<string, FieldValue> = {};
  putNumber(f, 'interval_ms', intervalMs);
  const seconds = intervalMs / 1000;
  switch (s.type) {
    case 'counter':
      putNumber(f, 'count', s.value);
      if (seconds > 0) putNumber(f, 'rate', s.value / seconds);
      break;
    case 'gauge':
      putNumber(f, 'value', s.value);
      putNumber(f, 'min', s.min);
      putNumber(f, 'max', s.max);
      break;
    case 'rate':
      putNumber(f, 'nonzero', s.nonzero);
      putNumber(f, 'total', s.total);
      if (s.total > 0) putNumber(f, 'rate', s.nonzero / s.total);
      break;
    case 'trend':
      // No per-runner percentiles: global ones come from merged histograms (k6_rollup);
      // the histogram itself is kept so any later merge stays exact.
      putNumber(f, 'count', s.hist.count);
      putNumber(f, 'sum', s.hist.sum);
      putNumber(f, 'min', s.hist.min);
      putNumber(f, 'max', s.hist.max);
      if (s.hist.count > 0) putNumber(f, 'avg', s.hist.sum / s.hist.count);
      if (s.hist.count > 0) f.hist = s.hist;
      break;
  }
  return f;
}

/** One runner interval: its series and its process stats, sharing run/region/runner and time. */
export function intervalPoints(rec: IntervalRecord, testName?: string): PointGroup {
  const time = rec.endMs;
  const intervalMs = rec.endMs - rec.startMs;
  const points: SinkPoint[] = rec.series.map((s) => ({
    measure: MEASURE.series,
    time,
    dims: { [DIM.metric]: s.metric, [DIM.metricType]: s.type, ...tagDims(s.tags) },
    fields: seriesFields(s, intervalMs),
  }));
  if (rec.process) {
    const fields: Record<string, FieldValue> = {};
    putNumber(fields, 'interval_ms', intervalMs);
    putNumber(fields, 'cpu', rec.process.cpuPercent);
    putNumber(fields, 'rss', rec.process.rssBytes);
    putNumber(fields, 'k6_cpu', rec.process.k6CpuPercent);
    putNumber(fields, 'k6_rss', rec.process.k6RssBytes);
    points.push({ measure: MEASURE.process, time, dims: {}, fields });
  }
  return {
    common: {
      [DIM.runId]: rec.runId,
      ...(testName ? { [DIM.testName]: testName } : {}),
      [DIM.region]: rec.region,
      [DIM.runner]: rec.runnerId,
      [DIM.scope]: SCOPE.runner,
    },
    points: points.filter((p) => Object.keys(p.fields).length > 0),
  };
}

export function liveStatsFields(stats: LiveStats, elapsedMs: number): Record<string, FieldValue> {
  const f: Record<string, FieldValue> = {};
  putNumber(f, 'elapsed_ms', elapsedMs);
  putNumber(f, 'rps', stats.rps);
  putNumber(f, 'vus', stats.vus);
  putNumber(f, 'error_rate', stats.errorRate);
  putNumber(f, 'p50', stats.p50);
  putNumber(f, 'p90', stats.p90);
  putNumber(f, 'p95', stats.p95);
  putNumber(f, 'p99', stats.p99);
  putNumber(f, 'requests', stats.requests);
  putNumber(f, 'iterations', stats.iterations);
  putNumber(f, 'data_sent', stats.dataSent);
  putNumber(f, 'data_received', stats.dataReceived);
  putNumber(f, 'checks_rate', stats.checksRate);
  return f;
}

/** One watcher window: the global rollup plus one point per region. */
export function rollupPoints(runId: string, testName: string, point: RollupPoint): PointGroup {
  const points: SinkPoint[] = [
    {
      measure: MEASURE.rollup,
      time: point.t,
      dims: { [DIM.scope]: SCOPE.global, [DIM.region]: GLOBAL_REGION },
      fields: liveStatsFields(point.global, point.elapsedMs),
    },
  ];
  for (const [region, stats] of Object.entries(point.regions)) {
    points.push({
      measure: MEASURE.rollup,
      time: point.t,
      dims: { [DIM.scope]: SCOPE.region, [DIM.region]: region },
      fields: liveStatsFields(stats, point.elapsedMs),
    });
  }
  return { common: { [DIM.runId]: runId, [DIM.testName]: testName }, points };
}

/** One point per server series of the window; the series name is a dimension, capped like tags. */
export function serverPoints(runId: string, testName: string, window: ServerWindow): PointGroup {
  const points: SinkPoint[] = [];
  for (const s of window.samples) {
    const fields: Record<string, FieldValue> = {};
    putNumber(fields, 'value', s.value);
    if (Object.keys(fields).length === 0) continue;
    points.push({
      measure: MEASURE.server,
      time: window.t,
      dims: {
        [DIM.series]: capUtf8(s.series, MAX_TAG_VALUE_CHARS),
        [DIM.source]: capUtf8(s.source, MAX_TAG_VALUE_CHARS),
      },
      fields,
    });
  }
  return { common: { [DIM.runId]: runId, [DIM.testName]: testName }, points };
}

function capUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let cut = text.slice(0, maxBytes);
  while (Buffer.byteLength(cut) > maxBytes - 1) cut = cut.slice(0, -1);
  return `${cut}…`;
}

export function eventPoints(runId: string, testName: string, ev: SinkEvent): PointGroup {
  return {
    common: { [DIM.runId]: runId, [DIM.testName]: testName },
    points: [
      {
        measure: MEASURE.event,
        time: ev.at,
        dims: { [DIM.region]: ev.region ?? GLOBAL_REGION, [DIM.kind]: ev.kind },
        fields: { text: capUtf8(ev.text || ev.kind, MAX_EVENT_TEXT_BYTES) },
      },
    ],
  };
}

export function thresholdPoints(
  runId: string,
  testName: string,
  at: number,
  states: ThresholdState[],
): PointGroup {
  return {
    common: { [DIM.runId]: runId, [DIM.testName]: testName, [DIM.scope]: SCOPE.global },
    points: states.map((s) => {
      const fields: Record<string, FieldValue> = { ok: s.ok ? 1 : 0, abort_on_fail: s.abortOnFail ? 1 : 0 };
      putNumber(fields, 'value', s.value);
      return {
        measure: MEASURE.threshold,
        time: at,
        dims: { [DIM.metric]: s.metric, [DIM.expr]: s.expr },
        fields,
      };
    }),
  };
}

/** One point per finished run: whole-run numbers from the summary (k6's own stat names). */
export function runSummaryPoints(summary: Summary): PointGroup {
  const m = summary.metrics;
  const v = (metric: string, stat: string): number | undefined => m[metric]?.values[stat];
  const fields: Record<string, FieldValue> = {};
  const durationMs = summary.state.testRunDurationMs;
  putNumber(fields, 'duration_ms', durationMs);
  putNumber(fields, 'requests', v('http_reqs', 'count'));
  putNumber(fields, 'rps', v('http_reqs', 'rate'));
  putNumber(fields, 'iterations', v('iterations', 'count'));
  putNumber(fields, 'error_rate', v('http_req_failed', 'rate'));
  putNumber(fields, 'checks_rate', v('checks', 'rate'));
  putNumber(fields, 'avg', v('http_req_duration', 'avg'));
  putNumber(fields, 'p50', v('http_req_duration', 'med') ?? v('http_req_duration', 'p(50)'));
  putNumber(fields, 'p90', v('http_req_duration', 'p(90)'));
  putNumber(fields, 'p95', v('http_req_duration', 'p(95)'));
  putNumber(fields, 'p99', v('http_req_duration', 'p(99)'));
  putNumber(fields, 'max', v('http_req_duration', 'max'));
  putNumber(fields, 'vus_max', v('vus_max', 'value') ?? v('vus_max', 'max'));
  putNumber(fields, 'data_sent', v('data_sent', 'count'));
  putNumber(fields, 'data_received', v('data_received', 'count'));
  putNumber(fields, 'start_skew_ms', summary.fleet.startSkewMs);
  putNumber(fields, 'exit_code', summary.fleet.exitCode);
  return {
    common: { [DIM.runId]: summary.runId, [DIM.testName]: summary.testName },
    points: [
      {
        measure: MEASURE.run,
        // Runs are placed at their start, so history lines up with when each test ran.
        time: summary.fleet.startAt ?? summary.fleet.endAt - durationMs,
        dims: { [DIM.scope]: SCOPE.global, [DIM.verdict]: summary.fleet.verdict },
        fields,
      },
    ],
  };
}

/** Every dimension of a point: the group's common ones plus its own. */
export function allDims(group: PointGroup, p: SinkPoint): Record<string, string> {
  return { ...group.common, ...p.dims };
}
