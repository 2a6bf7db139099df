/**
 * Decodes what k6's OpenTelemetry output sends and maps it to our Series.
 *
 * Observed with the real k6 v2.2.0 (`--out opentelemetry`, K6_OTEL_EXPORTER_PROTOCOL=
 * http/protobuf, OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=delta,
 * OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION=base2_exponential_bucket_histogram),
 * decoding every payload of a short run:
 * - `POST /v1/metrics`, `Content-Type: application/x-protobuf`, NOT compressed (no
 *   Content-Encoding; it offers `Accept-Encoding: gzip`); user agent "OTel Go OTLP over
 *   HTTP/protobuf metrics exporter/1.43.0". One payload per export interval, plus a final
 *   one at shutdown that k6 sends (and waits for) before it exits.
 * - Resource: service.name=k6, service.version=2.2.0, telemetry.sdk.*; one scope "k6".
 * - Metric names are k6's own, with no prefix (http_reqs, http_req_duration, vus, …).
 *   Units: "ms" on time trends, "By" on data_sent/data_received, none otherwise.
 * - Counter → monotonic Sum, DELTA (http_reqs as double; others as int or double).
 * - Rate → monotonic Sum `<name>.total`, DELTA, one point per attribute set with an extra
 *   attribute condition=zero|nonzero (`checks.total`, `http_req_failed.total`, …).
 * - Trend → ExponentialHistogram, DELTA, at most 160 buckets (scale ≤ 20, k6 picked 3–4
 *   for loopback latencies), exact min/max, values in ms for time trends.
 * - Gauge → Gauge holding the last value of the interval (no min/max); `vus` and
 *   `vus_max` carry no attributes and appear once the test has started.
 * - Attributes are the sample's tags, minus empty ones (the root `group` tag "" that
 *   `--out json` shows is absent).
 * - Temporality really is DELTA for every instrument with the env above; summed over all
 *   payloads, counts equal those of `--out json` exactly.
 */

import root from '@opentelemetry/otlp-transformer/build/src/generated/root';
import type { ExpBuckets, ExpHistogram, Series, ValueType } from '../../contracts/metrics';
import { SeriesAccumulator } from '../../core/metrics/series-accumulator';

/** protobufjs gives 64-bit integers as Long objects (long.js is installed) or numbers. */
type Int64 = number | { toNumber(): number } | null | undefined;

interface PbAnyValue {
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: Int64;
  doubleValue?: number | null;
}
interface PbKeyValue {
  key?: string | null;
  value?: PbAnyValue | null;
}
interface PbPointBase {
  attributes?: PbKeyValue[] | null;
  startTimeUnixNano?: Int64;
  timeUnixNano?: Int64;
}
interface PbNumberDataPoint extends PbPointBase {
  asDouble?: number | null;
  asInt?: Int64;
}
interface PbBuckets {
  offset?: number | null;
  bucketCounts?: Int64[] | null;
}
interface PbExpHistogramDataPoint extends PbPointBase {
  count?: Int64;
  sum?: number | null;
  scale?: number | null;
  zeroCount?: Int64;
  positive?: PbBuckets | null;
  negative?: PbBuckets | null;
  min?: number | null;
  max?: number | null;
}
interface PbMetric {
  name?: string | null;
  unit?: string | null;
  gauge?: { dataPoints?: PbNumberDataPoint[] | null } | null;
  sum?: {
    dataPoints?: PbNumberDataPoint[] | null;
    aggregationTemporality?: number | null;
    isMonotonic?: boolean | null;
  } | null;
  exponentialHistogram?: {
    dataPoints?: PbExpHistogramDataPoint[] | null;
    aggregationTemporality?: number | null;
  } | null;
}
interface PbExportMetricsServiceRequest {
  resourceMetrics?: Array<{ scopeMetrics?: Array<{ metrics?: PbMetric[] | null }> | null }> | null;
}
interface Codec<T> {
  decode(reader: Uint8Array): T;
  encode(message: object): { finish(): Uint8Array };
}

/** The static protobufjs codecs shipped in @opentelemetry/otlp-transformer. */
const metricsV1 = (
  root as unknown as {
    opentelemetry: {
      proto: {
        collector: {
          metrics: {
            v1: {
              ExportMetricsServiceRequest: Codec<PbExportMetricsServiceRequest>;
              ExportMetricsServiceResponse: Codec<object>;
            };
          };
        };
      };
    };
  }
).opentelemetry.proto.collector.metrics.v1;

/** The encoded empty ExportMetricsServiceResponse (full success). */
export const EMPTY_EXPORT_RESPONSE: Uint8Array = metricsV1.ExportMetricsServiceResponse.encode({}).finish();

export type Temporality = 'delta' | 'cumulative' | 'unspecified';

interface PointBase {
  /** Metric name as sent (k6's name, or `<name>.total` for rates). */
  name: string;
  unit: string;
  attributes: Record<string, string>;
  startTimeMs: number;
  timeMs: number;
}

/** One OTLP data point, flattened. Explicit-bucket histograms and summaries are skipped. */
export type DecodedPoint = PointBase &
  (
    | { kind: 'sum'; temporality: Temporality; monotonic: boolean; value: number }
    | { kind: 'gauge'; value: number }
    | { kind: 'expHistogram'; temporality: Temporality; hist: ExpHistogram }
  );

function num(v: Int64): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

function temporality(t: number | null | undefined): Temporality {
  // AggregationTemporality: 1 = DELTA, 2 = CUMULATIVE.
  return t === 1 ? 'delta' : t === 2 ? 'cumulative' : 'unspecified';
}

function attributesOf(kvs: PbKeyValue[] | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of kvs ?? []) {
    const v = kv.value;
    if (!kv.key || !v) continue;
    if (v.stringValue !== null && v.stringValue !== undefined) out[kv.key] = v.stringValue;
    else if (v.boolValue !== null && v.boolValue !== undefined) out[kv.key] = String(v.boolValue);
    else if (v.intValue !== null && v.intValue !== undefined) out[kv.key] = String(num(v.intValue));
    else if (v.doubleValue !== null && v.doubleValue !== undefined) out[kv.key] = String(v.doubleValue);
  }
  return out;
}

function base(name: string, unit: string, p: PbPointBase): PointBase {
  return {
    name,
    unit,
    attributes: attributesOf(p.attributes),
    startTimeMs: num(p.startTimeUnixNano) / 1e6,
    timeMs: num(p.timeUnixNano) / 1e6,
  };
}

function numberValue(p: PbNumberDataPoint): number {
  return p.asDouble !== null && p.asDouble !== undefined ? p.asDouble : num(p.asInt);
}

function buckets(b: PbBuckets | null | undefined): ExpBuckets {
  const counts = (b?.bucketCounts ?? []).map(num);
  return { offset: counts.length > 0 ? (b?.offset ?? 0) : 0, counts };
}

function histogramOf(p: PbExpHistogramDataPoint): ExpHistogram {
  const count = num(p.count);
  return {
    scale: p.scale ?? 0,
    zeroCount: num(p.zeroCount),
    positive: buckets(p.positive),
    negative: buckets(p.negative),
    count,
    sum: p.sum ?? 0,
    min: count > 0 && p.min !== null && p.min !== undefined ? p.min : null,
    max: count > 0 && p.max !== null && p.max !== undefined ? p.max : null,
  };
}

/** Decodes one ExportMetricsServiceRequest (uncompressed protobuf). Throws on bad input. */
export function decodeMetricsRequest(body: Uint8Array): DecodedPoint[] {
  const req = metricsV1.ExportMetricsServiceRequest.decode(body);
  const out: DecodedPoint[] = [];
  for (const rm of req.resourceMetrics ?? []) {
    for (const sm of rm.scopeMetrics ?? []) {
      for (const m of sm.metrics ?? []) {
        const name = m.name ?? '';
        const unit = m.unit ?? '';
        if (m.sum) {
          const t = temporality(m.sum.aggregationTemporality);
          const monotonic = m.sum.isMonotonic ?? false;
          for (const p of m.sum.dataPoints ?? [])
            out.push({
              ...base(name, unit, p),
              kind: 'sum',
              temporality: t,
              monotonic,
              value: numberValue(p),
            });
        } else if (m.gauge) {
          for (const p of m.gauge.dataPoints ?? [])
            out.push({ ...base(name, unit, p), kind: 'gauge', value: numberValue(p) });
        } else if (m.exponentialHistogram) {
          const t = temporality(m.exponentialHistogram.aggregationTemporality);
          for (const p of m.exponentialHistogram.dataPoints ?? [])
            out.push({ ...base(name, unit, p), kind: 'expHistogram', temporality: t, hist: histogramOf(p) });
        }
      }
    }
  }
  return out;
}

/** k6 built-ins whose values are bytes / milliseconds, should a unit be missing. */
const DATA_METRICS: ReadonlySet<string> = new Set(['data_sent', 'data_received']);
const TIME_TREND = /^(http_req_|iteration_duration$|group_duration$|grpc_req_duration$|ws_)/;

function containsOf(metric: string, unit: string, trend: boolean): ValueType {
  if (unit === 'By' || DATA_METRICS.has(metric)) return 'data';
  if (trend && (unit === 'ms' || TIME_TREND.test(metric))) return 'time';
  return 'default';
}

export interface ToSeriesOptions {
  /** Attribute keys kept as tags (KEPT_TAGS plus the tag keys thresholds name). */
  keepTags: ReadonlySet<string>;
  /** Stripped from metric names when present (k6's K6_OTEL_METRIC_PREFIX; unset by default). */
  metricPrefix?: string;
}

/**
 * Maps decoded DELTA points to Series (one per metric × kept tags, merged). Rates come
 * back together from their `<name>.total{condition=zero|nonzero}` counters. Cumulative
 * points must be turned into deltas first (see CumulativeToDelta).
 */
export function toSeries(points: readonly DecodedPoint[], opts: ToSeriesOptions): Series[] {
  const acc = new SeriesAccumulator();
  const prefix = opts.metricPrefix ?? '';
  for (const p of points) {
    let metric = prefix && p.name.startsWith(prefix) ? p.name.slice(prefix.length) : p.name;
    const tags: Record<string, string> = {};
    for (const k in p.attributes) if (opts.keepTags.has(k)) tags[k] = p.attributes[k]!;
    switch (p.kind) {
      case 'sum': {
        const condition = p.attributes.condition;
        if (metric.endsWith('.total') && (condition === 'zero' || condition === 'nonzero')) {
          metric = metric.slice(0, -'.total'.length);
          delete tags.condition;
          const nonzero = condition === 'nonzero' ? p.value : 0;
          acc.add({ metric, contains: 'default', tags, type: 'rate', nonzero, total: p.value });
        } else {
          acc.add({
            metric,
            contains: containsOf(metric, p.unit, false),
            tags,
            type: 'counter',
            value: p.value,
          });
        }
        break;
      }
      case 'gauge':
        acc.add({
          metric,
          contains: containsOf(metric, p.unit, false),
          tags,
          type: 'gauge',
          value: p.value,
          min: p.value,
          max: p.value,
        });
        break;
      case 'expHistogram':
        if (p.hist.count > 0)
          acc.add({ metric, contains: containsOf(metric, p.unit, true), tags, type: 'trend', hist: p.hist });
        break;
    }
  }
  return acc.drain();
}
