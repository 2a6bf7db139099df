import { describe, expect, it } from 'vitest';
import type { RelayWindow, ScenarioOptions } from '../../functions/contracts/relay';
import { rateAt } from '../../functions/core/planner/cut-rate-stages';
import { vusAt } from '../../functions/core/planner/cut-vu-stages';
import { durationMs, scenariosFromOptions, stagesOf } from '../../functions/core/planner/k6-scenarios';
import { InvalidInputError } from '../../functions/core/planner/plan-errors';
import { planRelay, type RelayBudget } from '../../functions/core/planner/relay-windows';

const LOCAL_12S: RelayBudget = {
  runnerTimeoutMs: 12_000,
  leadMs: 3000,
  firstLeadMs: 5000,
  flushMs: 500,
  teardownMs: 500,
};
const LAMBDA: RelayBudget = {
  runnerTimeoutMs: 900_000,
  leadMs: 60_000,
  firstLeadMs: 150_000,
  flushMs: 10_000,
  teardownMs: 60_000,
};

const ms = (v: unknown) => durationMs(v, 0);

/** k6's ramping-vus VU steps (lib/executor/ramping_vus.go getRawExecutionSteps, unsegmented). */
function k6VuSteps(startVUs: number, stages: { durationMs: number; target: number }[]): [number, number][] {
  const steps: [number, number][] = [[0, startVUs]];
  const add = (t: number, v: number) => {
    if (steps.at(-1)![1] !== v) steps.push([t, v]);
  };
  let from = startVUs;
  let tillEnd = 0;
  for (const st of stages) {
    tillEnd += st.durationMs;
    const diff = st.target - from;
    if (diff === 0) continue;
    if (st.durationMs === 0) add(tillEnd, st.target);
    else if (diff > 0)
      for (let u = from + 1; u <= st.target; u++) add(tillEnd - (st.durationMs * (st.target - u)) / diff, u);
    else
      for (let u = from; u > st.target; u--)
        add(tillEnd - (st.durationMs * (st.target - u + 1)) / diff, u - 1);
    from = st.target;
  }
  return steps;
}

/** The steps one window's k6 takes, moved onto the test timeline. */
function windowVuSteps(w: RelayWindow, name: string): [number, number][] {
  const s = w.scenarios[name]!;
  const offset = w.startMs + ms(s.startTime);
  return k6VuSteps(Number(s.startVUs), stagesOf(s)).map(([t, v]) => [t + offset, v]);
}

/** Iterations a ramping-arrival-rate slice starts: the area under its rate curve. */
function rateArea(
  startRate: number,
  stages: { durationMs: number; target: number }[],
  timeUnitMs: number,
): number {
  let r = startRate;
  let area = 0;
  for (const st of stages) {
    area += ((r + st.target) / 2) * (st.durationMs / timeUnitMs);
    r = st.target;
  }
  return area;
}

const span = (w: RelayWindow) => w.endMs - w.startMs;

describe('planRelay: the timeline', () => {
  it('leaves a test that fits one invocation alone', () => {
    const scenarios = { a: { executor: 'constant-vus', vus: 2, duration: '10m', gracefulStop: '30s' } };
    expect(planRelay(scenarios, LAMBDA)).toBeNull();
  });

  it('cuts a 30 s test into whole-second windows that each fit the runner timeout', () => {
    // Prepare
    const scenarios = {
      cart: {
        executor: 'constant-arrival-rate',
        rate: 10,
        timeUnit: '1s',
        duration: '30s',
        preAllocatedVUs: 4,
        gracefulStop: '1s',
      },
    };
    // Act
    const relay = planRelay(scenarios, LOCAL_12S)!;
    // Assess: contiguous from 0 to 30 s, every boundary on a whole second
    expect(relay.windows.length).toBeGreaterThanOrEqual(3);
    expect(relay.windows[0]!.startMs).toBe(0);
    expect(relay.windows.at(-1)!.endMs).toBe(30_000);
    relay.windows.forEach((w, i) => {
      expect(w.index).toBe(i);
      if (i > 0) expect(w.startMs).toBe(relay.windows[i - 1]!.endMs);
      expect(w.startMs % 1000).toBe(0);
      const lead = i === 0 ? relay.firstLeadMs : relay.leadMs;
      expect(lead + span(w) + relay.tailMs).toBeLessThanOrEqual(LOCAL_12S.runnerTimeoutMs);
    });
    expect(relay.tailMs).toBe(1000 + 500 + 500);
    // each window's k6 runs exactly its slice; a window handing over ends half a period
    // (10/s: 50 ms) early so the iteration due at the boundary is started once, by the next
    // window at its 0
    const durations = relay.windows.map((w) => ms(w.scenarios.cart!.duration));
    expect(durations).toEqual(relay.windows.map((w, i) => span(w) - (i < relay.windows.length - 1 ? 50 : 0)));
    for (const w of relay.windows) {
      expect(w.scenarios.cart).toMatchObject({
        executor: 'constant-arrival-rate',
        rate: 10,
        timeUnit: '1s',
        startTime: '0ms',
      });
    }
  });

  it('a 24-hour soak on Lambda becomes windows of at most 15 minutes, evenly shared', () => {
    const scenarios = { soak: { executor: 'constant-vus', vus: 50, duration: '24h' } };
    const relay = planRelay(scenarios, LAMBDA)!;
    const spans = relay.windows.map(span);
    expect(relay.windows.at(-1)!.endMs).toBe(24 * 3600_000);
    expect(spans[0]).toBe(900_000 - 150_000 - (30_000 + 10_000 + 60_000));
    for (const s of spans.slice(1)) expect(s).toBeLessThanOrEqual(900_000 - 60_000 - 100_000);
    // evenly shared: the middle windows are alike, the last is not longer
    expect(new Set(spans.slice(1, -1)).size).toBe(1);
    expect(spans.at(-1)!).toBeLessThanOrEqual(spans[1]!);
    expect(spans.reduce((a, b) => a + b, 0)).toBe(24 * 3600_000);
  });

  it('refuses a runner timeout that leaves no room for a window, naming what takes the room', () => {
    const scenarios = { a: { executor: 'constant-vus', vus: 1, duration: '1m' } }; // gracefulStop 30 s by default
    expect(() => planRelay(scenarios, LOCAL_12S)).toThrow(InvalidInputError);
    expect(() => planRelay(scenarios, LOCAL_12S)).toThrow(
      /gracefulStop 30 s.*raise the runner timeout or lower gracefulStop/,
    );
  });

  it('refuses a window in which nothing runs', () => {
    const scenarios = {
      early: { executor: 'constant-vus', vus: 1, duration: '5s', gracefulStop: '0s' },
      late: { executor: 'constant-vus', vus: 1, duration: '5s', startTime: '40s', gracefulStop: '0s' },
    };
    expect(() => planRelay(scenarios, LOCAL_12S)).toThrow(
      /no scenario runs between .* start the next scenario earlier/,
    );
  });
});

describe('planRelay: startTime', () => {
  it('shifts startTime into the window where the scenario begins and starts it at 0 in later ones', () => {
    const scenarios = {
      base: { executor: 'constant-vus', vus: 1, duration: '40s', gracefulStop: '0s' },
      spike: { executor: 'constant-vus', vus: 3, duration: '12s', startTime: '21500ms', gracefulStop: '0s' },
    };
    const relay = planRelay(scenarios, LOCAL_12S)!;
    const withSpike = relay.windows.filter((w) => w.scenarios.spike);
    const first = withSpike[0]!;
    expect(first.startMs).toBeLessThanOrEqual(21_500);
    expect(first.endMs).toBeGreaterThan(21_500);
    expect(ms(first.scenarios.spike!.startTime)).toBe(21_500 - first.startMs);
    for (const w of withSpike.slice(1)) expect(w.scenarios.spike!.startTime).toBe('0ms');
    // the spike's slices add up to its 12 s and end at 33.5 s
    const total = withSpike.reduce((sum, w) => sum + ms(w.scenarios.spike!.duration), 0);
    expect(total).toBe(12_000);
    const last = withSpike.at(-1)!;
    expect(last.startMs + ms(last.scenarios.spike!.startTime) + ms(last.scenarios.spike!.duration)).toBe(
      33_500,
    );
    // windows before 21.5 s do not carry it at all
    for (const w of relay.windows.filter((x) => x.endMs <= 21_500)) expect(w.scenarios.spike).toBeUndefined();
  });
});

describe('planRelay: ramping-vus', () => {
  const scenarios: Record<string, ScenarioOptions> = {
    ramp: {
      executor: 'ramping-vus',
      startVUs: 0,
      gracefulStop: '1s',
      gracefulRampDown: '0s',
      stages: [
        { duration: '7s', target: 5 },
        { duration: '9s', target: 5 },
        { duration: '11s', target: 0 },
        { duration: '0s', target: 3 },
        { duration: '3s', target: 3 },
      ],
    },
  };

  it('starts each window at the VUs the stages give at its boundary', () => {
    const relay = planRelay(scenarios, LOCAL_12S)!;
    const ramp = { startVUs: 0, stages: stagesOf(scenarios.ramp!) };
    for (const w of relay.windows) expect(w.scenarios.ramp!.startVUs).toBe(vusAt(ramp, w.startMs));
    // a boundary mid-ramp does not fall on a whole VU count of a naive interpolation
    expect(relay.windows.some((w) => w.startMs > 0 && w.startMs < 7000)).toBe(true);
  });

  it('takes every VU step at the same instant as one k6 run would', () => {
    const relay = planRelay(scenarios, LOCAL_12S)!;
    const whole = k6VuSteps(0, stagesOf(scenarios.ramp!));
    const relayed = relay.windows.flatMap((w) => {
      const steps = windowVuSteps(w, 'ramp');
      // the window's first step is its start value, not a change
      return steps.slice(1).filter(([t]) => t < w.endMs);
    });
    const round = (s: [number, number][]) => s.map(([t, v]) => [Math.round(t * 1000) / 1000, v]);
    // the whole run's changes, minus those at a boundary (there the next window starts at the new value)
    const bounds = new Set(relay.windows.map((w) => w.startMs));
    const changes = whole.slice(1).filter(([t]) => !bounds.has(Math.round(t * 1000) / 1000));
    expect(round(relayed)).toEqual(round(changes));
    // and every slice ends where it should: its stages span exactly the window
    for (const w of relay.windows) {
      expect(stagesOf(w.scenarios.ramp!).reduce((a, s) => a + s.durationMs, 0)).toBeCloseTo(span(w), 6);
    }
  });
});

describe('planRelay: ramping-arrival-rate', () => {
  const scenarios: Record<string, ScenarioOptions> = {
    orders: {
      executor: 'ramping-arrival-rate',
      startRate: 2,
      timeUnit: '1s',
      preAllocatedVUs: 5,
      gracefulStop: '1s',
      stages: [
        { duration: '13s', target: 20 },
        { duration: '10s', target: 20 },
        { duration: '7s', target: 3 },
      ],
    },
  };

  it('starts each window at the interpolated rate and keeps the iterations of every slice', () => {
    const relay = planRelay(scenarios, LOCAL_12S)!;
    const ramp = { startRate: 2, stages: stagesOf(scenarios.orders!) };
    let total = 0;
    for (const w of relay.windows) {
      const s = w.scenarios.orders!;
      const unit = ms(s.timeUnit);
      // the start rate per second is the original's at the boundary, even when fractional
      expect(Number(s.startRate) * (1000 / unit)).toBeCloseTo(rateAt(ramp, w.startMs), 6);
      expect(Number.isInteger(s.startRate)).toBe(true);
      for (const st of stagesOf(s)) expect(Number.isInteger(st.target)).toBe(true);
      const area = rateArea(Number(s.startRate), stagesOf(s), unit);
      const expected = rateArea(
        rateAt(ramp, w.startMs),
        [{ durationMs: span(w), target: rateAt(ramp, w.endMs) }],
        1000,
      );
      // windows inside one stage: the area of the slice, less the ≤ 1 ms a window handing over
      // ends early (≤ 20 iterations/s × 1 ms)
      if (w.startMs >= 13_000 && w.endMs <= 23_000)
        expect(Math.abs(area - expected)).toBeLessThanOrEqual(0.02 + 1e-6);
      total += area;
    }
    const whole = rateArea(2, stagesOf(scenarios.orders!), 1000);
    expect(whole - total).toBeGreaterThanOrEqual(-1e-4); // whole rates are rounded at 10⁶
    expect(whole - total).toBeLessThanOrEqual(0.02 * relay.windows.length);
  });
});

describe('planRelay: iteration-based executors', () => {
  it('refuses one whose maxDuration crosses a window, naming it and what to use', () => {
    const scenarios = {
      steady: { executor: 'constant-vus', vus: 1, duration: '30s', gracefulStop: '0s' },
      batch: { executor: 'shared-iterations', vus: 2, iterations: 100, gracefulStop: '0s' }, // maxDuration 10m
    };
    const run = () => planRelay(scenarios, LOCAL_12S);
    expect(run).toThrow(InvalidInputError);
    expect(run).toThrow(/scenario "batch" \(shared-iterations\) may run up to 600 s .*constant-arrival-rate/);
  });

  it('keeps one that fits whole in a window, only in that window', () => {
    const scenarios = {
      steady: { executor: 'constant-vus', vus: 1, duration: '30s', gracefulStop: '0s' },
      warm: { executor: 'per-vu-iterations', vus: 1, iterations: 3, maxDuration: '2s', gracefulStop: '0s' },
    };
    const relay = planRelay(scenarios, LOCAL_12S)!;
    const carrying = relay.windows.filter((w) => w.scenarios.warm);
    expect(carrying.map((w) => w.index)).toEqual([0]);
    expect(carrying[0]!.scenarios.warm).toMatchObject({ iterations: 3, maxDuration: '2s', startTime: '0ms' });
  });

  it('refuses the externally-controlled executor', () => {
    const scenarios = { ext: { executor: 'externally-controlled', vus: 1, maxVUs: 2, duration: '1h' } };
    expect(() => planRelay(scenarios, LAMBDA)).toThrow(
      /scenario "ext" uses the externally-controlled executor/,
    );
  });
});

describe('scenariosFromOptions', () => {
  it('derives the scenario k6 runs for each shortcut', () => {
    expect(scenariosFromOptions({ vus: 5, duration: '1h', scenarios: null })).toEqual({
      default: { executor: 'constant-vus', vus: 5, duration: '1h' },
    });
    expect(scenariosFromOptions({ vus: 2, iterations: 10, duration: '30s' })).toEqual({
      default: { executor: 'shared-iterations', vus: 2, iterations: 10, maxDuration: '30s' },
    });
    expect(scenariosFromOptions({ stages: [{ duration: '1m', target: 3 }] })).toEqual({
      default: { executor: 'ramping-vus', stages: [{ duration: '1m', target: 3 }] },
    });
    expect(scenariosFromOptions({})).toEqual({
      default: { executor: 'per-vu-iterations', vus: 1, iterations: 1 },
    });
  });

  it('keeps named scenarios without the nulls k6 inspect prints', () => {
    const out = scenariosFromOptions({
      vus: null,
      scenarios: { a: { executor: 'constant-vus', vus: 1, duration: '1m', startTime: null, exec: null } },
    });
    expect(out).toEqual({ a: { executor: 'constant-vus', vus: 1, duration: '1m' } });
  });
});
