import type { MetricType, ThresholdSpec } from '../../contracts';
import { METHODS_BY_TYPE, methodFitsType } from './metric-types';
import { type ParsedThreshold, parseThresholdExpression } from './parse-expression';
import { parseMetricSelector } from './parse-selector';
import { ThresholdError } from './threshold-errors';

/**
 * Checks every threshold before any load, the way k6 would at start (exit 104), and returns
 * one message per problem (empty when all is well): a selector or expression k6 cannot parse,
 * or a method that does not fit the metric's type. `metricTypes` holds the metrics whose type
 * is known (e.g. KNOWN_METRIC_TYPES); a metric not listed is taken as a custom metric the script
 * declares, so only its syntax is checked.
 */
export function validateThresholds(
  th: Record<string, ThresholdSpec[]>,
  metricTypes: Readonly<Record<string, MetricType | { type: MetricType }>>,
): string[] {
  const errors: string[] = [];
  for (const [selector, specs] of Object.entries(th)) {
    let metric: string | undefined;
    try {
      metric = parseMetricSelector(selector).metric;
    } catch (err) {
      errors.push(messageOf(err));
    }
    const known = metric === undefined ? undefined : metricTypes[metric];
    const type = typeof known === 'string' ? known : known?.type;
    for (const spec of specs) {
      let parsed: ParsedThreshold;
      try {
        parsed = parseThresholdExpression(spec.expr);
      } catch (err) {
        errors.push(`${messageOf(err)} (on "${selector}")`);
        continue;
      }
      if (type !== undefined && !methodFitsType(parsed.method, type)) {
        const valid = METHODS_BY_TYPE[type].map((m) => (m === 'p' ? 'p(N)' : m)).join(', ');
        errors.push(
          `invalid threshold "${spec.expr}" on "${selector}": ${methodName(parsed)} does not apply to ${metric}, ` +
            `a ${type} metric; use ${valid}`,
        );
      }
    }
  }
  return errors;
}

function methodName(t: ParsedThreshold): string {
  return t.method === 'p' ? 'a percentile' : `"${t.method}"`;
}

function messageOf(err: unknown): string {
  if (err instanceof ThresholdError) return err.message;
  throw err;
}
