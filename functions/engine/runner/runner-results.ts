import { putJson, type RunStore } from '../../adapters/store/run-store';
import { type Plan, type RunnerResult, runKeys, type WindowResult } from '../../contracts';
import { readWindowResult, type WindowPlace } from './relay-window';

/**
 * Writes how this invocation ended. A relayed runner writes a window result per window;
 * the runner's own result (what the watcher and teardown wait for) comes from its last
 * window, or from an earlier one that did not finish (no later window then starts).
 */
export async function writeRunnerResults(
  store: RunStore,
  plan: Plan,
  place: WindowPlace,
  result: RunnerResult,
  facts: { boundaryAt: number | undefined; firstSeq: number },
): Promise<void> {
  const keys = runKeys(plan.runId);
  if (!plan.relay) {
    await putJson(store, keys.result(result.runnerId), result);
    return;
  }
  const win: WindowResult = {
    runnerId: result.runnerId,
    window: place.index,
    boundaryAt: facts.boundaryAt ?? 0,
    resumedAt: result.resumedAt,
    startOffsetMs: result.startOffsetMs,
    endedAt: result.endedAt,
    firstSeq: facts.firstSeq,
    lastSeq: result.lastSeq,
    outcome: result.outcome,
    reason: result.reason,
    ranSetup: result.ranSetup,
  };
  await putJson(store, keys.windowResult(result.runnerId, place.index), win);
  if (!place.last && result.outcome === 'finished') return;
  // setup() ran in the first window: the runner's result tells it.
  const first = place.first ? win : await readWindowResult(store, keys, result.runnerId, 0);
  await putJson(store, keys.result(result.runnerId), { ...result, ranSetup: first?.ranSetup ?? false });
}
