import type { Relay, RelayWindow, ScenarioOptions } from '../../contracts/relay';
import { activeSpanMs, gracefulStopMs, startTimeMs } from './k6-scenarios';
import { InvalidInputError } from './plan-errors';
import { sliceScenario, type WindowSpan } from './slice-scenario';

/** What one runner invocation must fit besides the load itself. */
export interface RelayBudget {
  /** Hard limit of one invocation (Lambda timeout; `--runner-timeout` locally). */
  runnerTimeoutMs: number;
  /** A window n > 0 starts this long before its boundary: process start, k6 init, setup data. */
  leadMs: number;
  /** Window 0: from its start to the barrier (every runner ready, setup(), the start lead). */
  firstLeadMs: number;
  /** After the window's graceful stop: the final interval flush. */
  flushMs: number;
  /** Room for teardown() on the last window (held on every window: they are alike). */
  teardownMs: number;
}

const SECOND = 1000;

/**
 * The budget of a local runner invocation limited to `--runner-timeout` seconds: a fresh
 * k6 on loopback initialises in 1–2 s on a busy machine, the first window also waits for
 * every runner and the start lead (1.5 s).
 */
export function localRelayBudget(runnerTimeoutMs: number): RelayBudget {
  return { runnerTimeoutMs, leadMs: 4000, firstLeadMs: 6000, flushMs: 500, teardownMs: 500 };
}
const fmtS = (ms: number) => `${Math.round(ms) / 1000} s`;

/** When the test's load ends (ms after the barrier) and the longest graceful stop. */
export function scenarioTimeline(scenarios: Record<string, ScenarioOptions>): {
  endMs: number;
  graceMs: number;
} {
  let endMs = 0;
  let graceMs = 0;
  for (const [name, s] of Object.entries(scenarios)) {
    endMs = Math.max(endMs, startTimeMs(s) + activeSpanMs(name, s));
    graceMs = Math.max(graceMs, gracefulStopMs(s));
  }
  return { endMs, graceMs };
}

/**
 * Cuts a test longer than one runner invocation into relay windows and rewrites each
 * window's scenarios so k6 runs exactly that slice. Null when the test fits one invocation.
 * Windows are whole seconds (arrival rates then start whole iterations at each boundary);
 * the first is shorter (it also waits for the barrier), the others share the rest evenly.
 */
export function planRelay(scenarios: Record<string, ScenarioOptions>, budget: RelayBudget): Relay | null {
  const { endMs, graceMs } = scenarioTimeline(scenarios);
  const tailMs = graceMs + budget.flushMs + budget.teardownMs;
  if (budget.firstLeadMs + endMs + tailMs <= budget.runnerTimeoutMs) return null;

  const firstMs = floorSecond(budget.runnerTimeoutMs - budget.firstLeadMs - tailMs);
  const nextMs = floorSecond(budget.runnerTimeoutMs - budget.leadMs - tailMs);
  if (firstMs < SECOND || nextMs < SECOND) {
    throw new InvalidInputError(
      `the test runs ${fmtS(endMs)}, longer than one runner may (${fmtS(budget.runnerTimeoutMs)}), and the runner timeout ` +
        `leaves no room for relay windows: each window needs ${fmtS(budget.firstLeadMs)} before its start and ` +
        `${fmtS(tailMs)} after its end (the longest gracefulStop ${fmtS(graceMs)}, flush, teardown) — raise the runner ` +
        `timeout or lower gracefulStop`,
    );
  }
  const spans = windowSpans(endMs, firstMs, nextMs);
  return {
    runnerTimeoutMs: budget.runnerTimeoutMs,
    leadMs: budget.leadMs,
    firstLeadMs: budget.firstLeadMs,
    tailMs,
    windows: spans.map((w) => windowOf(scenarios, w)),
  };
}

const floorSecond = (ms: number) => Math.floor(ms / SECOND) * SECOND;

function windowSpans(endMs: number, firstMs: number, nextMs: number): WindowSpan[] {
  const bounds = [0, Math.min(firstMs, endMs)];
  const rest = endMs - bounds[1]!;
  if (rest > 0) {
    const count = Math.ceil(rest / nextMs);
    const even = Math.ceil(rest / count / SECOND) * SECOND;
    for (let i = 1; i < count; i++) bounds.push(bounds[1]! + i * even);
    bounds.push(endMs);
  }
  return bounds.slice(1).map((endAt, i) => ({ index: i, startMs: bounds[i]!, endMs: endAt }));
}

function windowOf(scenarios: Record<string, ScenarioOptions>, w: WindowSpan): RelayWindow {
  const out: Record<string, ScenarioOptions> = {};
  for (const [name, s] of Object.entries(scenarios)) {
    const slice = sliceScenario(name, s, w);
    if (slice) out[name] = slice;
  }
  if (Object.keys(out).length === 0) {
    throw new InvalidInputError(
      `no scenario runs between ${fmtS(w.startMs)} and ${fmtS(w.endMs)} (relay window ${w.index}): a relayed test ` +
        `cannot idle through a whole window — start the next scenario earlier (startTime)`,
    );
  }
  return { index: w.index, startMs: w.startMs, endMs: w.endMs, scenarios: out };
}
