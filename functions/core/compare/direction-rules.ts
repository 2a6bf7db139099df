import type { MetricType, ValueType } from '../../contracts/metrics';

/** Which way a metric gets worse: latency and errors up, throughput and checks down. */
export type WorseDirection = 'up' | 'down' | 'both' | 'none';

export interface DirectionRule {
  worse: WorseDirection;
  /** A change smaller than max(relTolerance × |baseline|, absTolerance) is no regression. */
  relTolerance: number;
  absTolerance: number;
}

const LATENCY: DirectionRule = { worse: 'up', relTolerance: 0.1, absTolerance: 1 };
const THROUGHPUT: DirectionRule = { worse: 'down', relTolerance: 0.1, absTolerance: 0 };
/** Error rates: half a percentage point, or a tenth of the baseline's rate. */
const ERRORS: DirectionRule = { worse: 'up', relTolerance: 0.1, absTolerance: 0.005 };
const CHECKS: DirectionRule = { worse: 'down', relTolerance: 0, absTolerance: 0.005 };
const INFO: DirectionRule = { worse: 'none', relTolerance: 0, absTolerance: 0 };

/** k6's built-in metrics whose meaning is known. */
const BUILT_IN: Readonly<Record<string, DirectionRule>> = {
  http_reqs: THROUGHPUT,
  iterations: THROUGHPUT,
  http_req_failed: ERRORS,
  checks: CHECKS,
  data_sent: INFO,
  data_received: INFO,
  vus: INFO,
  vus_max: INFO,
  dropped_iterations: { worse: 'up', relTolerance: 0.1, absTolerance: 1 },
};

/**
 * The direction rule of a metric: built-ins by name; any time trend is latency (up is
 * worse); other custom metrics are flagged in both directions with a 10% tolerance, since
 * only the script's author knows which way is bad. `overrides` replace rules by metric name.
 */
export function directionRule(
  metric: string,
  type: MetricType,
  contains: ValueType,
  overrides: Readonly<Record<string, Partial<DirectionRule>>> = {},
): DirectionRule {
  const builtIn =
    BUILT_IN[metric] ??
    (type === 'gauge'
      ? INFO
      : type === 'trend' && contains === 'time'
        ? LATENCY
        : { worse: 'both' as const, relTolerance: 0.1, absTolerance: 0 });
  return { ...builtIn, ...overrides[metric] };
}

/** The tolerance in the metric's unit around a baseline value. */
export function toleranceOf(rule: DirectionRule, baseline: number): number {
  return Math.max(rule.relTolerance * Math.abs(baseline), rule.absTolerance);
}

/** +1 when a delta of this sign is worse, −1 when better, 0 when it does not matter. */
export function worseSign(rule: DirectionRule, delta: number): -1 | 0 | 1 {
  if (delta === 0 || rule.worse === 'none') return 0;
  if (rule.worse === 'both') return 1;
  return (rule.worse === 'up') === delta > 0 ? 1 : -1;
}
