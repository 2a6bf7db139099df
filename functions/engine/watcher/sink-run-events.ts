import type { SinkEventInput } from '../../adapters/sinks/metrics-sink';
import type { AbortInfo, Anomaly, Plan } from '../../contracts';

// The run's events as the watcher sends them to a sink; `k6-fleet replay` builds them from
// the stored run with these same functions, so a replayed event is the same series.

export const startEvent = (plan: Plan, startAt: number): SinkEventInput => ({
  at: startAt,
  kind: 'start',
  text: `${plan.testName} starts on ${plan.runners.length} runners`,
});

export const abortEvent = (abort: AbortInfo): SinkEventInput => ({
  at: abort.at,
  kind: 'abort',
  text: abort.reason,
});

export const endEvent = (plan: Plan, at: number): SinkEventInput => ({
  at,
  kind: 'end',
  text: `${plan.testName} ended`,
});

/** k6-side and server-side anomalies alike (server ones carry no region). */
export const anomalyEvent = (a: Anomaly): SinkEventInput => ({
  at: a.at,
  kind: 'anomaly',
  text: a.message,
  region: a.region,
});
