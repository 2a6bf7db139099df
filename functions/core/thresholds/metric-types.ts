import type { MetricType, ValueType } from '../../contracts';
import type { ThresholdMethod } from './parse-expression';

export interface MetricDefinition {
  type: MetricType;
  contains: ValueType;
}

const counter = (contains: ValueType = 'default'): MetricDefinition => ({ type: 'counter', contains });
const gauge = (contains: ValueType = 'default'): MetricDefinition => ({ type: 'gauge', contains });
const rate = (): MetricDefinition => ({ type: 'rate', contains: 'default' });
const trend = (contains: ValueType = 'time'): MetricDefinition => ({ type: 'trend', contains });

/** The metrics k6 v2 registers in every test (k6 `metrics/builtin.go`; checked against
 * k6 v2.2.0, where each of these accepts a threshold without any import). */
export const BUILTIN_METRIC_TYPES: Readonly<Record<string, MetricDefinition>> = {
  vus: gauge(),
  vus_max: gauge(),
  iterations: counter(),
  iteration_duration: trend(),
  dropped_iterations: counter(),
  checks: rate(),
  group_duration: trend(),
  http_reqs: counter(),
  http_req_failed: rate(),
  http_req_duration: trend(),
  http_req_blocked: trend(),
  http_req_connecting: trend(),
  http_req_tls_handshaking: trend(),
  http_req_sending: trend(),
  http_req_waiting: trend(),
  http_req_receiving: trend(),
  ws_sessions: counter(),
  ws_msgs_sent: counter(),
  ws_msgs_received: counter(),
  ws_ping: trend(),
  ws_session_duration: trend(),
  ws_connecting: trend(),
  grpc_req_duration: trend(),
  data_sent: counter('data'),
  data_received: counter('data'),
};

/** Metrics k6 v2 registers only when the script imports their module (k6/net/grpc,
 * k6/browser); a threshold on them fails in k6 without that import. */
export const MODULE_METRIC_TYPES: Readonly<Record<string, MetricDefinition>> = {
  grpc_streams: counter(),
  grpc_streams_msgs_sent: counter(),
  grpc_streams_msgs_received: counter(),
  browser_web_vital_lcp: trend(),
  browser_web_vital_fcp: trend(),
  browser_web_vital_ttfb: trend(),
  browser_web_vital_inp: trend(),
  browser_web_vital_cls: trend('default'),
  browser_data_sent: counter('data'),
  browser_data_received: counter('data'),
  browser_http_reqs: counter(),
  browser_http_req_duration: trend(),
  browser_http_req_connecting: trend(),
  browser_http_req_tls_handshaking: trend(),
  browser_http_req_sending: trend(),
  browser_http_req_receiving: trend(),
  browser_http_req_failed: rate(),
};

/** Every metric whose type is known before the script runs. */
export const KNOWN_METRIC_TYPES: Readonly<Record<string, MetricDefinition>> = {
  ...BUILTIN_METRIC_TYPES,
  ...MODULE_METRIC_TYPES,
};

/** Threshold methods per metric type, as k6 v2.2.0 accepts them (same as k6 v0.x/v1). */
export const METHODS_BY_TYPE: Readonly<Record<MetricType, readonly ThresholdMethod[]>> = {
  counter: ['count', 'rate'],
  gauge: ['value'],
  rate: ['rate'],
  trend: ['avg', 'min', 'max', 'med', 'p'],
};

/** True when k6 accepts `method` in a threshold on a metric of this type. */
export function methodFitsType(method: ThresholdMethod, type: MetricType): boolean {
  return METHODS_BY_TYPE[type].includes(method);
}
