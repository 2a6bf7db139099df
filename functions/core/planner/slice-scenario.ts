import type { ScenarioOptions } from '../../contracts/relay';
import { cutRateRamp, wholeRates } from './cut-rate-stages';
import { cutVuRampEnd, cutVuRampStart } from './cut-vu-stages';
import { InvalidInputError } from './errors';
import {
  activeSpanMs,
  durationMs,
  formatMs,
  ITERATION_EXECUTORS,
  type StageOptions,
  stagesOf,
  startTimeMs,
} from './k6-scenarios';

/** A relay window on the test timeline, ms after the start barrier: [startMs, endMs). */
export interface WindowSpan {
  index: number;
  startMs: number;
  endMs: number;
}

const fmtS = (ms: number) => `${Math.round(ms) / 1000} s`;
const stageOut = (st: StageOptions) => ({ duration: formatMs(st.durationMs), target: st.target });

/**
 * The part of one scenario that falls in a window, as options k6 runs directly: the
 * executor starts at its original instant relative to the window and covers only the
 * window's share of it. Undefined when the scenario is not active in the window.
 * Iteration-based executors cannot be cut (k6 cannot resume a count half done): they must
 * fit whole in one window, else the input is refused naming the scenario.
 */
export function sliceScenario(name: string, s: ScenarioOptions, w: WindowSpan): ScenarioOptions | undefined {
  const start = startTimeMs(s);
  const end = start + activeSpanMs(name, s);
  const from = Math.max(start, w.startMs);
  const to = Math.min(end, w.endMs);
  if (to <= from) return undefined;
  const local = { from: from - start, to: to - start };
  const base = { ...s, startTime: formatMs(from - w.startMs) };

  if (ITERATION_EXECUTORS.has(String(s.executor))) {
    if (start >= w.startMs && end <= w.endMs) return base;
    throw new InvalidInputError(
      `scenario "${name}" (${s.executor}) may run up to ${fmtS(end - start)} (maxDuration) from ${fmtS(start)}, ` +
        `which does not fit in one relay window (window ${w.index}: ${fmtS(w.startMs)}–${fmtS(w.endMs)}) and k6 cannot hand a ` +
        `count of iterations over to the next window: use constant-vus (duration) or constant-arrival-rate ` +
        `(iterations = rate × duration) instead, or lower its maxDuration so it fits in one window`,
    );
  }
  switch (s.executor) {
    case 'constant-vus':
    case 'constant-arrival-rate':
      return { ...base, duration: formatMs(to - from) };
    case 'ramping-vus': {
      const ramp = cutVuRampEnd(
        cutVuRampStart({ startVUs: Number(s.startVUs ?? 1), stages: stagesOf(s) }, local.from),
        local.to - local.from,
      );
      return { ...base, startVUs: ramp.startVUs, stages: ramp.stages.map(stageOut) };
    }
    case 'ramping-arrival-rate': {
      const cut = cutRateRamp(
        { startRate: Number(s.startRate ?? 0), stages: stagesOf(s) },
        local.from,
        local.to,
      );
      const { ramp, factor } = wholeRates(cut);
      const timeUnit = durationMs(s.timeUnit, 1000) * factor;
      return {
        ...base,
        startRate: ramp.startRate,
        timeUnit: formatMs(timeUnit),
        stages: ramp.stages.map(stageOut),
      };
    }
    default:
      // activeSpanMs refused every other executor.
      throw new InvalidInputError(`scenario "${name}": executor ${String(s.executor)} cannot be relayed`);
  }
}
