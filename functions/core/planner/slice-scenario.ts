import type { ScenarioOptions } from '../../contracts/relay';
import { cutRateRamp, rateAt, wholeRates } from './cut-rate-stages';
import { cutVuRampEnd, cutVuRampStart } from './cut-vu-stages';
import {
  activeSpanMs,
  durationMs,
  formatMs,
  ITERATION_EXECUTORS,
  type StageOptions,
  stagesOf,
  startTimeMs,
} from './k6-scenarios';
import { InvalidInputError } from './plan-errors';

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
  // k6 starts an arrival-rate iteration due exactly at the end of its duration or not,
  // by a race of two timers; the next window starts that one at its own 0, so a window
  // handing over ends before it: half an iteration period for a constant rate (a 1 ms
  // margin lost the race on a loaded machine: measured +3 of 300), at most 1 ms for a ramp.
  const handOver = to < end;
  switch (s.executor) {
    case 'constant-vus':
      return { ...base, duration: formatMs(to - from) };
    case 'constant-arrival-rate': {
      const period = durationMs(s.timeUnit, 1000) / Math.max(Number(s.rate ?? 0), 1e-9);
      const cut = handOver ? Math.min(250, period / 2) : 0;
      return { ...base, duration: formatMs(to - from - cut) };
    }
    case 'ramping-vus': {
      const ramp = cutVuRampEnd(
        cutVuRampStart({ startVUs: Number(s.startVUs ?? 1), stages: stagesOf(s) }, local.from),
        local.to - local.from,
      );
      return { ...base, startVUs: ramp.startVUs, stages: ramp.stages.map(stageOut) };
    }
    case 'ramping-arrival-rate': {
      const unitMs = durationMs(s.timeUnit, 1000);
      const full = { startRate: Number(s.startRate ?? 0), stages: stagesOf(s) };
      const endRate = rateAt(full, local.to);
      const early = handOver ? Math.min(1, endRate > 0 ? unitMs / endRate / 2 : 1) : 0;
      const { ramp, factor } = wholeRates(cutRateRamp(full, local.from, local.to - early));
      const timeUnit = unitMs * factor;
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
