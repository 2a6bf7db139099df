import { type AbortInfo, AbortInfoSchema, runKeys } from '../../contracts';
import { getJson, putJson, type RunStore } from '../store/run-store';

/**
 * Asks every runner of a run to stop: writes runs/<id>/abort.json, which runners poll
 * beside control.json. The first abort wins: an existing one (its reason is the real
 * cause, e.g. a threshold or a CLI abort) is kept.
 */
export async function writeAbortOnce(
  store: RunStore,
  runId: string,
  info: AbortInfo,
): Promise<'written' | 'kept'> {
  const key = runKeys(runId).abort;
  const existing = await getJson(store, key, (v) => AbortInfoSchema.parse(v));
  if (existing) return 'kept';
  await putJson(store, key, AbortInfoSchema.parse(info));
  return 'written';
}
