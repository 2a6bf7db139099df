import type { K6Process } from '../../adapters/k6/k6-process';
import type { K6RestClient } from '../../adapters/k6/k6-rest-client';
import { getJson, putJson, type RunStore } from '../../adapters/store/run-store';
import { type Plan, type RunKeys, type RunnerAssignment, SetupDataSchema } from '../../contracts';
import type { ControlPoller } from './control-poller';
import type { ProcessStatsSampler } from './process-stats';
import type { WindowPlace } from './relay-window';
import { hostStop, k6Died, RunnerFailure, sleep } from './runner-failure';

// setup() and teardown() run once for the whole fleet, on the plan's setup runner: the
// others receive setup()'s data through the run store, and teardown() waits for them all.

export interface ScriptHookContext {
  store: RunStore;
  keys: RunKeys;
  plan: Plan;
  me: RunnerAssignment;
  k6: K6Process;
  stats: ProcessStatsSampler;
  rest: K6RestClient;
  control: ControlPoller;
  /** The relay window this invocation runs: setup() on the first, teardown() on the last. */
  place: WindowPlace;
  signal?: AbortSignal;
  /** Polls control; throws when the run must stop before load has started. */
  checkStop: () => Promise<void>;
  /** Writes the next interval record (the receiver keeps gathering meanwhile). */
  flushInterval: () => Promise<void>;
}

const isSetupRunner = (c: ScriptHookContext) => c.plan.setupRunnerId === c.me.runnerId;

/** The setup runner runs setup() and stores its data; the others wait for it and pass it to k6. */
export async function shareSetupData(c: ScriptHookContext, onRanSetup: () => void): Promise<void> {
  if (!c.plan.script.hasSetup) return;
  // A later window of the setup runner loads the shared data like every other runner.
  if (isSetupRunner(c) && c.place.first) {
    const data = await c.rest.runSetup(120_000).catch((e: Error) => {
      throw new RunnerFailure(107, `setup() failed: ${e.message}`);
    });
    onRanSetup();
    await putJson(c.store, c.keys.setupData, { runnerId: c.me.runnerId, at: Date.now(), data });
    return;
  }
  for (;;) {
    const shared = await getJson(c.store, c.keys.setupData, (v) => SetupDataSchema.parse(v));
    if (shared) {
      await c.rest.putSetupData(shared.data);
      return;
    }
    if (c.k6.exit) throw k6Died(c.k6, c.stats, 'while waiting for setup data');
    await c.checkStop();
    await sleep(c.plan.timing.controlPollMs / 2);
  }
}

/** teardown() runs once, on the setup runner, after every other runner has finished. */
export async function teardownWhenLast(c: ScriptHookContext, onRanTeardown: () => void): Promise<void> {
  if (!isSetupRunner(c) || !c.place.last || !c.plan.script.hasTeardown || c.k6.exit) return;
  const others = c.plan.runners.filter((r) => r.runnerId !== c.me.runnerId);
  for (;;) {
    const done = new Set((await c.store.list(c.keys.resultsPrefix)).map((k) => k.split('/').pop()));
    if (others.every((r) => done.has(`${r.runnerId}.json`))) break;
    await c.control.poll();
    const reason = hostStop(c.signal) ?? c.control.stopReason(Date.now());
    // On abort or a silent controller teardown still runs: it cleans up what setup made.
    if (reason && reason.kind !== 'abort') break;
    await c.flushInterval();
    await sleep(c.plan.timing.controlPollMs);
  }
  let error: string | undefined;
  let ok = false;
  try {
    await c.rest.runTeardown(60_000);
    ok = true;
    onRanTeardown();
  } catch (e) {
    error = (e as Error).message;
  }
  await putJson(c.store, c.keys.teardownDone, { runnerId: c.me.runnerId, at: Date.now(), ok, error });
}
