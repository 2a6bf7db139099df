import { loadPlan } from '../../adapters/store/plan-store';
import { getJson, type RunStore } from '../../adapters/store/run-store';
import { ControlSchema, runKeys } from '../../contracts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * When a pre-started process of relay window n is invoked: `leadMs` before its boundary,
 * once the controller has fixed the barrier. The second window is started with the first
 * (its node start alone can take longer than the first window on a busy machine), so it
 * learns the barrier here. Gives up (returns now) once the run has a result for the runner.
 */
export async function windowInvocationAt(
  store: RunStore,
  runId: string,
  runnerId: string,
  window: number,
): Promise<number> {
  const plan = await loadPlan(store, runId);
  const keys = runKeys(runId);
  const w = plan.relay?.windows[window];
  if (!plan.relay || !w) return Date.now();
  for (;;) {
    const control = await getJson(store, keys.control, (v) => ControlSchema.parse(v));
    if (control?.startAt !== undefined) return control.startAt + w.startMs - plan.relay.leadMs;
    if (await store.get(keys.result(runnerId))) return Date.now();
    await sleep(plan.timing.controlPollMs);
  }
}
