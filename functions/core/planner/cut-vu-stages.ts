import type { StageOptions } from './k6-scenarios';

/** A ramping-vus timeline: k6's startVUs and stages. */
export interface VuRamp {
  startVUs: number;
  stages: StageOptions[];
}

const EPS = 1e-9;

/**
 * VUs k6's ramping-vus runs at t ms (k6 lib/executor/ramping_vus.go): over a stage from
 * a to b lasting d, the VU count moves one step towards b at each s + d·k/|b−a|
 * (k = 1…|b−a|), the step at t itself included.
 */
export function vusAt(ramp: VuRamp, t: number): number {
  let v = ramp.startVUs;
  let s = 0;
  for (const st of ramp.stages) {
    if (t < s + st.durationMs) return v + stepsDone(v, st, t - s);
    v = st.target;
    s += st.durationMs;
  }
  return v;
}

/** Steps taken x ms into a stage from `from` (inclusive of a step at x), signed. */
function stepsDone(from: number, st: StageOptions, x: number): number {
  const diff = st.target - from;
  if (diff === 0) return 0;
  if (st.durationMs === 0) return diff;
  const k = Math.min(Math.abs(diff), Math.floor((Math.abs(diff) * x) / st.durationMs + EPS));
  return Math.sign(diff) * k;
}

/**
 * The ramp from `from` ms on, with every VU step at the same instant as in the original:
 * the partial stage becomes "to the next step" + "the remaining steps", whose even spacing
 * k6 reproduces exactly.
 */
export function cutVuRampStart(ramp: VuRamp, from: number): VuRamp {
  let v = ramp.startVUs;
  let s = 0;
  for (let i = 0; i < ramp.stages.length; i++) {
    const st = ramp.stages[i]!;
    const end = s + st.durationMs;
    if (from < end - EPS) {
      const rest = ramp.stages.slice(i + 1);
      const diff = st.target - v;
      const done = stepsDone(v, st, from - s);
      const here = v + done;
      const left = end - from;
      if (here === st.target)
        return { startVUs: here, stages: [{ durationMs: left, target: st.target }, ...rest] };
      const n = Math.abs(diff);
      const nextStepAt = s + (st.durationMs * (Math.abs(done) + 1)) / n;
      const first = { durationMs: nextStepAt - from, target: here + Math.sign(diff) };
      const second = { durationMs: end - nextStepAt, target: st.target };
      const stages = second.durationMs > EPS || second.target !== first.target ? [first, second] : [first];
      return { startVUs: here, stages: [...stages, ...rest] };
    }
    v = st.target;
    s = end;
  }
  return { startVUs: v, stages: [] };
}

/**
 * The ramp up to `to` ms (exclusive): a stage cut short takes only the steps before `to`,
 * at their original instants, and holds the VUs it reached until `to`.
 */
export function cutVuRampEnd(ramp: VuRamp, to: number): VuRamp {
  const stages: StageOptions[] = [];
  let v = ramp.startVUs;
  let s = 0;
  for (const st of ramp.stages) {
    const end = s + st.durationMs;
    if (end <= to + EPS) {
      stages.push(st);
      v = st.target;
      s = end;
      continue;
    }
    const x = to - s;
    const n = Math.abs(st.target - v);
    if (n > 0 && x > EPS) {
      // Steps strictly before `to`; a step exactly at `to` belongs to the next window.
      const k = Math.max(0, Math.ceil((n * x) / st.durationMs - EPS) - 1);
      const reachAt = (st.durationMs * k) / n;
      const reached = v + Math.sign(st.target - v) * k;
      if (k > 0) stages.push({ durationMs: reachAt, target: reached });
      if (x - reachAt > EPS) stages.push({ durationMs: x - reachAt, target: reached });
    } else if (x > EPS) {
      stages.push({ durationMs: x, target: v });
    }
    break;
  }
  return { startVUs: ramp.startVUs, stages };
}
