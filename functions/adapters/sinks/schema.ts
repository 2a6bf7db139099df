import { KEPT_TAGS } from '../../contracts';

/**
 * THE metrics schema, defined once: the Timestream table's measure names, dimensions and
 * multi-measure fields, which are also the InfluxDB measurements, tags and fields.
 * Writers (Timestream records, line protocol), the watcher's rollups and every dashboard
 * query are built from these constants; test/dashboards checks that no query names
 * anything else.
 */

/** Measure names (Timestream `measure_name`; InfluxDB measurement). */
export const MEASURE = {
  /** One k6 metric × tag set × runner × interval (scope=runner). Counters/rates are deltas. */
  series: 'k6_series',
  /** The watcher's merged stats per window (scope=global|region). Percentiles come from merged histograms. */
  rollup: 'k6_rollup',
  /** A runner's own CPU and memory per interval (scope=runner). */
  process: 'k6_process',
  /** Run events (start, end, abort, anomaly, threshold crossing): dashboard annotations. */
  event: 'k6_event',
  /** Each threshold's state after a watcher tick (scope=global). */
  threshold: 'k6_threshold',
  /** One point per finished run, from its summary (history and comparison across runs). */
  run: 'k6_run',
  /** One server metric series (Prometheus / CloudWatch) per window, as the controller read it. */
  server: 'k6_server',
} as const;
export type MeasureName = (typeof MEASURE)[keyof typeof MEASURE];
export const MEASURE_NAMES: readonly MeasureName[] = Object.values(MEASURE);

/** Dimension names (Timestream dimensions; InfluxDB tags). Snake case so SQL needs no quoting rules beyond "…". */
export const DIM = {
  runId: 'run_id',
  testName: 'test_name',
  /** The fleet region; GLOBAL_REGION on global rollups and run-wide events. */
  region: 'region',
  runner: 'runner',
  /** runner | region | global */
  scope: 'scope',
  /** k6 metric name (k6_series) or the threshold's metric (k6_threshold). */
  metric: 'metric',
  /** counter | gauge | rate | trend */
  metricType: 'metric_type',
  /** Event kind (k6_event). */
  kind: 'kind',
  /** Threshold expression, e.g. `p(95)<500` (k6_threshold). */
  expr: 'expr',
  /** passed | thresholds-failed | aborted | failed (k6_run). */
  verdict: 'verdict',
  /** Server series, e.g. `app_db_pool_waiting` or `rate(process_cpu_seconds_total)` (k6_server). */
  series: 'series',
  /** Where a server series was read: the Prometheus URL or `cloudwatch:<namespace>/<metric>` (k6_server). */
  source: 'source',
} as const;
export type DimName = (typeof DIM)[keyof typeof DIM];

/** Series tags become dimensions named `tag_<k6 tag>` so they never collide with DIM names. */
export const TAG_DIM_PREFIX = 'tag_';
export const tagDim = (tag: string): string => `${TAG_DIM_PREFIX}${tag}`;
/** The tag dimensions dashboards may name: the tags every series keeps. */
export const KEPT_TAG_DIMS: readonly string[] = KEPT_TAGS.map(tagDim);

export const SCOPE = { runner: 'runner', region: 'region', global: 'global' } as const;
export type Scope = (typeof SCOPE)[keyof typeof SCOPE];

/** Region dimension value of global rollups and run-wide events (region names cannot start with `_`). */
export const GLOBAL_REGION = '_global';

/** How a field is stored: Timestream MeasureValueType DOUBLE / VARCHAR; InfluxDB float / string. */
export type FieldType = 'DOUBLE' | 'VARCHAR';

/** Field names per measure, with their one storage type. */
export const FIELDS = {
  [MEASURE.series]: {
    /** Interval length the deltas cover. */
    interval_ms: 'DOUBLE',
    /** counter: the delta; trend: samples in the interval. */
    count: 'DOUBLE',
    /** counter: delta per second; rate: nonzero / total. */
    rate: 'DOUBLE',
    /** rate: samples that were non-zero (e.g. failed requests, passed checks). */
    nonzero: 'DOUBLE',
    /** rate: samples. */
    total: 'DOUBLE',
    /** gauge: last value. */
    value: 'DOUBLE',
    /** gauge / trend: exact extremes. */
    min: 'DOUBLE',
    max: 'DOUBLE',
    /** trend */
    sum: 'DOUBLE',
    avg: 'DOUBLE',
    /** trend: the mergeable exponential histogram, compact text (see histogram-payload.ts). */
    hist: 'VARCHAR',
  },
  [MEASURE.rollup]: {
    elapsed_ms: 'DOUBLE',
    rps: 'DOUBLE',
    vus: 'DOUBLE',
    error_rate: 'DOUBLE',
    p50: 'DOUBLE',
    p90: 'DOUBLE',
    p95: 'DOUBLE',
    p99: 'DOUBLE',
    requests: 'DOUBLE',
    iterations: 'DOUBLE',
    data_sent: 'DOUBLE',
    data_received: 'DOUBLE',
    checks_rate: 'DOUBLE',
  },
  [MEASURE.process]: {
    interval_ms: 'DOUBLE',
    cpu: 'DOUBLE',
    rss: 'DOUBLE',
    k6_cpu: 'DOUBLE',
    k6_rss: 'DOUBLE',
  },
  [MEASURE.event]: {
    text: 'VARCHAR',
  },
  [MEASURE.threshold]: {
    /** 1 passing, 0 failing. */
    ok: 'DOUBLE',
    value: 'DOUBLE',
    abort_on_fail: 'DOUBLE',
  },
  [MEASURE.run]: {
    duration_ms: 'DOUBLE',
    requests: 'DOUBLE',
    rps: 'DOUBLE',
    iterations: 'DOUBLE',
    error_rate: 'DOUBLE',
    checks_rate: 'DOUBLE',
    /** http_req_duration over the whole run, from the merged histogram (the summary's values). */
    avg: 'DOUBLE',
    p50: 'DOUBLE',
    p90: 'DOUBLE',
    p95: 'DOUBLE',
    p99: 'DOUBLE',
    max: 'DOUBLE',
    vus_max: 'DOUBLE',
    data_sent: 'DOUBLE',
    data_received: 'DOUBLE',
    start_skew_ms: 'DOUBLE',
    exit_code: 'DOUBLE',
  },
  [MEASURE.server]: {
    /** Gauges as read; counters as per-second rates over the window. */
    value: 'DOUBLE',
  },
} as const satisfies Record<MeasureName, Record<string, FieldType>>;

export type FieldName<M extends MeasureName> = keyof (typeof FIELDS)[M] & string;

/** Dimensions each measure carries (tag dimensions come on top for k6_series). */
export const DIMS = {
  [MEASURE.series]: [DIM.runId, DIM.testName, DIM.region, DIM.runner, DIM.scope, DIM.metric, DIM.metricType],
  [MEASURE.rollup]: [DIM.runId, DIM.testName, DIM.region, DIM.scope],
  [MEASURE.process]: [DIM.runId, DIM.testName, DIM.region, DIM.runner, DIM.scope],
  [MEASURE.event]: [DIM.runId, DIM.testName, DIM.region, DIM.kind],
  [MEASURE.threshold]: [DIM.runId, DIM.testName, DIM.scope, DIM.metric, DIM.expr],
  [MEASURE.run]: [DIM.runId, DIM.testName, DIM.scope, DIM.verdict],
  [MEASURE.server]: [DIM.runId, DIM.testName, DIM.series, DIM.source],
} as const satisfies Record<MeasureName, readonly DimName[]>;

export const EVENT_KINDS = ['abort', 'anomaly', 'threshold', 'start', 'end'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** Timestream limits that shape the encoding (checked facts, see DESIGN.md). */
export const TIMESTREAM_LIMITS = {
  recordsPerWrite: 100,
  recordBytes: 2048,
  measuresPerRecord: 256,
  varcharBytes: 2048,
  dimensionNameBytes: 60,
  /** Writes are billed per started KiB of request payload. */
  billedUnitBytes: 1024,
} as const;
