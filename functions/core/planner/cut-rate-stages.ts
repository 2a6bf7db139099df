import type { StageOptions } from './k6-scenarios';

/** A ramping-arrival-rate timeline: iterations per timeUnit, linear within each stage. */
export interface RateRamp {
  startRate: number;
  stages: StageOptions[];
}

const EPS = 1e-9;

/** The arrival rate at t ms (linear interpolation within the stage holding t). */
export function rateAt(ramp: RateRamp, t: number): number {
  let r = ramp.startRate;
  let s = 0;
  for (const st of ramp.stages) {
    if (t < s + st.durationMs) return r + ((st.target - r) * (t - s)) / st.durationMs;
    r = st.target;
    s += st.durationMs;
  }
  return r;
}

/** The ramp restricted to [from, to): the cut stages start and end at the interpolated rates. */
export function cutRateRamp(ramp: RateRamp, from: number, to: number): RateRamp {
  const stages: StageOptions[] = [];
  let s = 0;
  for (const st of ramp.stages) {
    const end = s + st.durationMs;
    const a = Math.max(s, from);
    const b = Math.min(end, to);
    if (b - a > EPS) stages.push({ durationMs: b - a, target: b === end ? st.target : rateAt(ramp, b) });
    s = end;
  }
  return { startRate: rateAt(ramp, from), stages };
}

/**
 * k6 wants whole rates: a window starting mid-ramp starts at a fractional rate. Scaling
 * every rate and the timeUnit by the same factor keeps the arrival rate (and k6's area
 * integral) exactly the same; the factor is the smallest power of ten (≤ 10⁶) that makes
 * every rate whole, rounding beyond that.
 */
export function wholeRates(ramp: RateRamp): { ramp: RateRamp; factor: number } {
  const rates = [ramp.startRate, ...ramp.stages.map((s) => s.target)];
  let factor = 1;
  while (factor < 1e6 && rates.some((r) => Math.abs(r * factor - Math.round(r * factor)) > 1e-6))
    factor *= 10;
  const whole = (r: number) => Math.round(r * factor);
  return {
    ramp: {
      startRate: whole(ramp.startRate),
      stages: ramp.stages.map((s) => ({ ...s, target: whole(s.target) })),
    },
    factor,
  };
}
