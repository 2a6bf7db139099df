import { putJson } from '../../adapters/store/run-store';
import { k6Died, sleep, sleepUntil } from './runner-failure';
import type { ScriptHookContext } from './shared-setup-teardown';

/** The ready record the controller's barrier waits for (first windows only: later ones
 * start on the timeline the barrier fixed). */
export async function markReady(c: ScriptHookContext, startedAt: number): Promise<void> {
  if (!c.place.first) return;
  const st = await c.rest.status();
  await putJson(c.store, c.keys.ready(c.me.runnerId), {
    runnerId: c.me.runnerId,
    at: Date.now(),
    initMs: Date.now() - startedAt,
    vusAllocated: st['vus-max'],
  });
}

/** Waits for the barrier, then sleeps until this window's boundary on the timeline. */
export async function waitForBoundary(
  c: ScriptHookContext,
  boundaryAt: () => number | undefined,
  flushIfAny: () => Promise<void>,
): Promise<void> {
  for (;;) {
    await c.checkStop();
    const at = boundaryAt();
    if (at !== undefined) {
      await sleepUntil(at);
      return;
    }
    if (c.k6.exit) throw k6Died(c.k6, c.stats, 'while waiting for the start');
    await flushIfAny();
    // Polls at half the control period: the barrier is startLeadMs ahead, far more than that.
    await sleep(c.plan.timing.controlPollMs / 2);
  }
}
