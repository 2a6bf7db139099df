import { hostname } from 'node:os';
import { getJson, type RunStore } from '../../adapters/store/run-store';
import { type RunnerClaim, RunnerClaimSchema, runKeys } from '../../contracts';

/**
 * A second start of a (run, runner, window) that already has a k6: a Dispatch retried
 * after a lost response, a Lambda invoke retried after it was queued, or Lambda's own
 * async retry. It must not start load (that would double it) nor write a result.
 */
export class DuplicateStartError extends Error {
  constructor(readonly holder: RunnerClaim | undefined) {
    super(
      `runner ${holder?.runnerId ?? '?'} window ${holder?.window ?? '?'} was already started by ${holder?.invocation ?? 'another invocation'}: this start does nothing`,
    );
    this.name = 'DuplicateStartError';
  }
}

/**
 * Claims the start of one runner's window, before its k6 starts: the first invocation to
 * create the claim record runs; every other one gets DuplicateStartError.
 */
export async function claimRunnerStart(
  store: RunStore,
  claim: Omit<RunnerClaim, 'at' | 'invocation'> & { runId: string; invocation?: string },
): Promise<RunnerClaim> {
  const key = runKeys(claim.runId).claim(claim.runnerId, claim.window);
  const record: RunnerClaim = {
    runnerId: claim.runnerId,
    window: claim.window,
    at: Date.now(),
    invocation: claim.invocation ?? `${hostname()}:${process.pid}`,
  };
  if (await store.putIfAbsent(key, JSON.stringify(record), 'application/json')) return record;
  throw new DuplicateStartError(await getJson(store, key, (v) => RunnerClaimSchema.parse(v)));
}
