import type { ScenarioOptions } from '../../contracts/relay';
import { parseK6Duration } from '../thresholds/duration';
import { InvalidInputError } from './plan-errors';

/** k6's defaults (lib/executor/*_config.go, k6 v2.2.0). */
const DEFAULT_GRACEFUL_STOP_MS = 30_000;
const DEFAULT_MAX_DURATION_MS = 10 * 60_000;

export const ITERATION_EXECUTORS = new Set(['per-vu-iterations', 'shared-iterations']);

/** A k6 duration option in ms; absent (null/undefined) gives the default. */
export function durationMs(value: unknown, fallback: number): number {
  if (value === null || value === undefined) return fallback;
  if (typeof value !== 'string' && typeof value !== 'number')
    throw new InvalidInputError(`invalid duration ${JSON.stringify(value)}`);
  try {
    return parseK6Duration(value);
  } catch (e) {
    throw new InvalidInputError((e as Error).message);
  }
}

/** A duration k6 parses back exactly (Go durations take decimal milliseconds). */
export function formatMs(ms: number): string {
  return `${Math.round(ms * 1000) / 1000}ms`;
}

/** The scenario's options without the nulls `k6 inspect` prints for unset fields. */
function withoutNulls(o: Record<string, unknown>): ScenarioOptions {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));
}

/**
 * The scenarios k6 itself would run for these options (k6's DeriveScenariosFromShortcuts):
 * `iterations` → shared-iterations, `duration` → constant-vus, `stages` → ramping-vus,
 * only `vus` → shared-iterations of vus iterations, nothing → 1 iteration of 1 VU.
 * Conflicting shortcuts are left to k6 (inspect refuses them before we get here).
 */
export function scenariosFromOptions(options: Record<string, unknown>): Record<string, ScenarioOptions> {
  const scenarios = options.scenarios as Record<string, Record<string, unknown>> | null | undefined;
  const vus = options.vus ?? undefined;
  const stages = options.stages as unknown[] | null | undefined;
  const has = (k: string) => options[k] !== null && options[k] !== undefined;
  if (has('iterations')) {
    return {
      default: withoutNulls({
        executor: 'shared-iterations',
        vus,
        iterations: options.iterations,
        maxDuration: options.duration ?? undefined,
      }),
    };
  }
  if (has('duration'))
    return { default: withoutNulls({ executor: 'constant-vus', vus, duration: options.duration }) };
  if (stages && stages.length > 0)
    return { default: withoutNulls({ executor: 'ramping-vus', startVUs: vus, stages }) };
  if (vus !== undefined)
    return { default: withoutNulls({ executor: 'shared-iterations', vus, iterations: vus }) };
  if (scenarios && Object.keys(scenarios).length > 0)
    return Object.fromEntries(Object.entries(scenarios).map(([n, s]) => [n, withoutNulls(s)]));
  return { default: { executor: 'per-vu-iterations', vus: 1, iterations: 1 } };
}

export interface StageOptions {
  durationMs: number;
  target: number;
}

export function stagesOf(s: ScenarioOptions): StageOptions[] {
  const stages = (s.stages as { duration?: unknown; target?: unknown }[] | undefined) ?? [];
  return stages.map((st) => ({ durationMs: durationMs(st.duration, 0), target: Number(st.target ?? 0) }));
}

export const startTimeMs = (s: ScenarioOptions): number => durationMs(s.startTime, 0);

export const gracefulStopMs = (s: ScenarioOptions): number =>
  durationMs(s.gracefulStop, DEFAULT_GRACEFUL_STOP_MS);

export const maxDurationMs = (s: ScenarioOptions): number =>
  durationMs(s.maxDuration, DEFAULT_MAX_DURATION_MS);

/**
 * How long the executor runs from its startTime, without the graceful stop: what the
 * relay cuts. Iteration executors count their maxDuration (they may end earlier).
 */
export function activeSpanMs(name: string, s: ScenarioOptions): number {
  switch (s.executor) {
    case 'constant-vus':
    case 'constant-arrival-rate':
      return durationMs(s.duration, 0);
    case 'ramping-vus':
    case 'ramping-arrival-rate':
      return stagesOf(s).reduce((sum, st) => sum + st.durationMs, 0);
    case 'per-vu-iterations':
    case 'shared-iterations':
      return maxDurationMs(s);
    case 'externally-controlled':
      throw new InvalidInputError(
        `scenario "${name}" uses the externally-controlled executor, which a fleet cannot drive: use constant-vus or ramping-vus`,
      );
    default:
      throw new InvalidInputError(`scenario "${name}" has an unknown executor ${JSON.stringify(s.executor)}`);
  }
}
