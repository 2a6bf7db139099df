import type { ThresholdSpec } from '../../contracts';
import { parseK6Duration } from './duration';
import { ThresholdError } from './threshold-errors';

/**
 * Turns `options.thresholds` as `k6 inspect` prints it (or as a script declares it) into
 * ThresholdSpecs. Each metric maps to an array whose items are either an expression string or
 * the long form `{threshold, abortOnFail?, delayAbortEval?}`; delayAbortEval is a k6 duration
 * (`'10s'`, `'1m30s'`, a number of ms) or null. Other keys in the long form are ignored, as k6
 * does. Shape errors throw ThresholdError; expressions are checked by validateThresholds.
 */
export function normalizeThresholds(raw: unknown): Record<string, ThresholdSpec[]> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ThresholdError(
      `options.thresholds must be an object mapping a metric to a list of expressions, e.g. { http_req_duration: ['p(95)<500'] }`,
    );
  }
  const out: Record<string, ThresholdSpec[]> = {};
  for (const [metric, list] of Object.entries(raw)) {
    if (!Array.isArray(list)) {
      throw new ThresholdError(
        `thresholds for "${metric}" must be a list, e.g. { '${metric}': ['${exampleFor(list)}'] }`,
      );
    }
    out[metric] = list.map((item, i) => normalizeOne(metric, i, item));
  }
  return out;
}

function normalizeOne(metric: string, index: number, item: unknown): ThresholdSpec {
  const where = `threshold #${index + 1} of "${metric}"`;
  if (typeof item === 'string') return { expr: item, abortOnFail: false, delayAbortEvalMs: 0 };
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw new ThresholdError(
      `${where} must be an expression string or { threshold: '…', abortOnFail?: boolean, delayAbortEval?: '10s' }`,
    );
  }
  const { threshold, abortOnFail, delayAbortEval } = item as Record<string, unknown>;
  if (typeof threshold !== 'string' || threshold === '') {
    throw new ThresholdError(`${where}: "threshold" must be a non-empty expression string, e.g. 'p(95)<500'`);
  }
  if (abortOnFail !== undefined && abortOnFail !== null && typeof abortOnFail !== 'boolean') {
    throw new ThresholdError(`${where}: "abortOnFail" must be true or false`);
  }
  return {
    expr: threshold,
    abortOnFail: abortOnFail === true,
    delayAbortEvalMs: delayMs(where, delayAbortEval),
  };
}

function delayMs(where: string, value: unknown): number {
  if (value === undefined || value === null || value === '') return 0;
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new ThresholdError(`${where}: "delayAbortEval" must be a duration such as '10s' or a number of ms`);
  }
  let ms: number;
  try {
    ms = parseK6Duration(value);
  } catch (err) {
    throw new ThresholdError(`${where}: "delayAbortEval": ${(err as Error).message}`);
  }
  if (ms < 0)
    throw new ThresholdError(`${where}: "delayAbortEval" must not be negative (got ${String(value)})`);
  return ms;
}

function exampleFor(value: unknown): string {
  return typeof value === 'string' ? value : 'p(95)<500';
}
