import type { Series } from '../../contracts/metrics';
import { MEASURE, type MeasureName } from './schema';

/**
 * How the one schema (schema.ts) maps to Prometheus names and labels. Per-runner k6
 * series are named as k6's own prometheus-rw output names them: counters
 * `k6_<metric>_total`, gauges `k6_<metric>`, time trends native histograms
 * `k6_<metric>_seconds`. Rate metrics, which k6's output only sends as an unmergeable ratio
 * gauge `k6_<metric>_rate`, also get exact counters `k6_<metric>_total{condition="zero"|"nonzero"}`.
 */

/** Labels every series may carry (snake case, as the other sinks' dimensions). */
export const PROM_LABEL = {
  name: '__name__',
  runId: 'run_id',
  testName: 'test_name',
  region: 'region',
  /** Set only on per-runner series: `runner!=""` selects them, its absence the rollups. */
  runner: 'runner',
  /** runner | region | global */
  scope: 'scope',
  /** zero | nonzero, on the counters of Rate metrics. */
  condition: 'condition',
} as const;

const RESERVED = new Set<string>([...Object.values(PROM_LABEL), 'kind', 'text', 'metric', 'expr', 'verdict']);

/** A valid Prometheus metric / label name part: [a-zA-Z0-9_], not starting with a digit. */
export function promName(s: string): string {
  const clean = s.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(clean) ? `_${clean}` : clean;
}

/** A k6 tag as a label: its own name (as k6 does), unless that would collide with ours. */
export function tagLabel(tag: string): string {
  const n = promName(tag);
  return RESERVED.has(n) || n.startsWith('__') ? `tag_${n}` : n;
}

/** ms → s for time values (Prometheus base units); other values stay as they are. */
export const timeDivisor = (s: Pick<Series, 'contains'>): number => (s.contains === 'time' ? 1000 : 1);

/** Names of one k6 series' Prometheus series. */
export function seriesNames(s: Pick<Series, 'metric' | 'contains' | 'type'>): {
  counter: string;
  gauge: string;
  rate: string;
  histogram: string;
} {
  const base = `k6_${promName(s.metric)}`;
  return {
    counter: `${base}_total`,
    gauge: base,
    rate: `${base}_rate`,
    histogram: s.contains === 'time' ? `${base}_seconds` : base,
  };
}

/** Stats sent for a trend when native histograms are off (k6's own names: `k6_<m>_p95`, …), from the histogram. */
export const TREND_FALLBACK_STATS = [
  ['min', 0],
  ['med', 0.5],
  ['p90', 0.9],
  ['p95', 0.95],
  ['p99', 0.99],
  ['max', 1],
] as const;

/** Field → [Prometheus name suffix, multiplier] for the measures other than k6_series. */
export const PROM_FIELDS: Partial<Record<MeasureName, Record<string, readonly [string, number]>>> = {
  [MEASURE.rollup]: {
    elapsed_ms: ['elapsed_seconds', 1e-3],
    rps: ['rps', 1],
    vus: ['vus', 1],
    error_rate: ['error_rate', 1],
    p50: ['p50_seconds', 1e-3],
    p90: ['p90_seconds', 1e-3],
    p95: ['p95_seconds', 1e-3],
    p99: ['p99_seconds', 1e-3],
    requests: ['requests', 1],
    iterations: ['iterations', 1],
    data_sent: ['data_sent_bytes', 1],
    data_received: ['data_received_bytes', 1],
    checks_rate: ['checks_rate', 1],
  },
  [MEASURE.process]: {
    cpu: ['cpu_percent', 1],
    rss: ['rss_bytes', 1],
    k6_cpu: ['k6_cpu_percent', 1],
    k6_rss: ['k6_rss_bytes', 1],
  },
  [MEASURE.threshold]: {
    ok: ['ok', 1],
    value: ['value', 1],
    abort_on_fail: ['abort_on_fail', 1],
  },
  [MEASURE.run]: {
    duration_ms: ['duration_seconds', 1e-3],
    requests: ['requests', 1],
    rps: ['rps', 1],
    iterations: ['iterations', 1],
    error_rate: ['error_rate', 1],
    checks_rate: ['checks_rate', 1],
    avg: ['avg_seconds', 1e-3],
    p50: ['p50_seconds', 1e-3],
    p90: ['p90_seconds', 1e-3],
    p95: ['p95_seconds', 1e-3],
    p99: ['p99_seconds', 1e-3],
    max: ['max_seconds', 1e-3],
    vus_max: ['vus_max', 1],
    data_sent: ['data_sent_bytes', 1],
    data_received: ['data_received_bytes', 1],
    start_skew_ms: ['start_skew_seconds', 1e-3],
    exit_code: ['exit_code', 1],
  },
};

/** Rollup window counts also kept as cumulative counters at region / global scope (no runner label). */
export const ROLLUP_COUNTERS: Record<string, string> = {
  requests: 'k6_http_reqs_total',
  iterations: 'k6_iterations_total',
};

/** The event series: value 1 at the event's time; `kind`, `region` and `text` labels (Grafana annotations). */
export const EVENT_SERIES = 'k6_event';
