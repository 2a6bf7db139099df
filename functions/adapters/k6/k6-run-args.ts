import { KEPT_TAGS, type Plan, type RunnerAssignment } from '../../contracts';

export interface K6RunSpec {
  plan: Plan;
  runner: RunnerAssignment;
  scriptPath: string;
  /** REST API address, e.g. 127.0.0.1:6565. */
  restAddress: string;
  /** OTLP receiver inside the runner, host:port (used when fleetOutputUrl is not set). */
  otlpEndpoint: string;
  /** The runner's fleet output receiver URL: k6 sends metrics with `--out fleet=…` (our
   * extension, tools/k6/fleetoutput) instead of OpenTelemetry. */
  fleetOutputUrl?: string;
  /** Script env vars (-e); the runner's own environment is never exposed to the script. */
  env: Record<string, string>;
  /** How often k6 pushes metrics (OTLP export / fleet output push interval). */
  otlpExportIntervalMs: number;
  /** Keep k6's own aggregation so GET /v1/metrics answers (costs throughput). @default false */
  k6Summary?: boolean;
  /** Extra k6 outputs besides OTLP (e.g. `json=samples.json`, relative to the runner's work dir). */
  extraOutputs?: string[];
}

/** k6 system tags (k6 v2 `--system-tags` names) the fleet's series and thresholds can use. */
const K6_SYSTEM_TAGS = new Set([
  'proto',
  'subproto',
  'status',
  'method',
  'url',
  'name',
  'group',
  'check',
  'error',
  'error_code',
  'tls_version',
  'scenario',
  'service',
  'expected_response',
  'vu',
  'iter',
  'ip',
  'ocsp_status',
]);

export function systemTags(plan: Plan): string[] {
  return keptTagKeys(plan)
    .filter((t) => K6_SYSTEM_TAGS.has(t))
    .sort();
}

/**
 * The k6 command line of one runner: paused, REST on loopback, its execution segment of
 * the shared sequence, thresholds off (they are judged globally), setup/teardown driven
 * through the REST API, metrics out through the fleet output (or OTLP without it).
 */
export function k6RunArgs(s: K6RunSpec): string[] {
  const args = [
    'run',
    '--paused',
    '--address',
    s.restAddress,
    '--execution-segment',
    s.runner.segment,
    '--execution-segment-sequence',
    s.plan.segmentSequence.join(','),
    '--no-thresholds',
    `--summary-mode=${s.k6Summary ? 'compact' : 'disabled'}`,
    '--no-setup',
    '--no-teardown',
    '--linger',
    '--no-usage-report',
    '--quiet',
    '--no-color',
    '--log-format=json',
    '--include-system-env-vars=false',
    '--out',
    s.fleetOutputUrl ? `fleet=${s.fleetOutputUrl}` : 'opentelemetry',
    // Every tag is an attribute k6's OTel output processes per sample (bench/: ~17% of k6's
    // CPU), and a tag k6 does not set is one it need not intern: keep only the system tags
    // the fleet uses. Region and runner are known per record.
    '--system-tags',
    systemTags(s.plan).join(','),
  ];
  for (const out of s.extraOutputs ?? []) args.push('--out', out);
  for (const [k, v] of Object.entries(s.plan.tags)) args.push('--tag', `${k}=${v}`);
  for (const [k, v] of Object.entries(s.env)) args.push('-e', `${k}=${v}`);
  args.push(s.scriptPath);
  return args;
}

/** Tag keys the runner keeps on series: KEPT_TAGS plus those thresholds name. */
export function keptTagKeys(plan: Plan): string[] {
  return [...new Set([...KEPT_TAGS, ...plan.extraTagKeys])];
}

/**
 * Environment for the k6 process: the fleet output's settings (read by tools/k6/fleetoutput)
 * or the OTLP exporter's (read by k6 and by the OTel Go SDK).
 */
export function k6RunEnv(s: K6RunSpec, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const common = { PATH: base.PATH, HOME: base.HOME ?? '/tmp', TMPDIR: base.TMPDIR };
  if (s.fleetOutputUrl)
    return {
      ...common,
      K6_FLEET_PUSH_INTERVAL: `${s.otlpExportIntervalMs}ms`,
      K6_FLEET_KEEP_TAGS: keptTagKeys(s.plan).join(','),
    };
  return {
    ...common,
    K6_OTEL_EXPORTER_PROTOCOL: 'http/protobuf',
    K6_OTEL_HTTP_EXPORTER_ENDPOINT: s.otlpEndpoint,
    K6_OTEL_HTTP_EXPORTER_INSECURE: 'true',
    K6_OTEL_EXPORT_INTERVAL: `${s.otlpExportIntervalMs}ms`,
    K6_OTEL_FLUSH_INTERVAL: '500ms',
    K6_OTEL_SERVICE_NAME: 'k6-fleet',
    OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'delta',
    OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION: 'base2_exponential_bucket_histogram',
  };
}
