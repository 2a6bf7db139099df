import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { getJson, type RunStore } from '../../adapters/store/run-store';
import {
  type Plan,
  type RelayWindow,
  type RunKeys,
  type RunnerAssignment,
  type WindowResult,
  WindowResultSchema,
} from '../../contracts';
import { sleep } from './runner-failure';

/** Which relay window an invocation runs, and where it sits on the test timeline. */
export interface WindowPlace {
  index: number;
  /** The plan's relay window; undefined when the test is not relayed (one window). */
  relay: RelayWindow | undefined;
  first: boolean;
  last: boolean;
}

export function windowPlace(plan: Plan, index: number): WindowPlace {
  const windows = plan.relay?.windows;
  if (!windows) {
    if (index !== 0) throw new Error(`run ${plan.runId} has no relay windows (asked for window ${index})`);
    return { index, relay: undefined, first: true, last: true };
  }
  const relay = windows[index];
  if (!relay) throw new Error(`run ${plan.runId} has ${windows.length} relay windows, not window ${index}`);
  return { index, relay, first: index === 0, last: index === windows.length - 1 };
}

/**
 * A module that runs the script with the window's scenarios: every export passes through,
 * `options` keeps everything but the execution shortcuts, which the window's scenarios
 * replace (k6 would otherwise derive a scenario from them and ignore ours).
 */
export async function writeWindowScript(
  scriptPath: string,
  scriptText: string,
  w: RelayWindow,
): Promise<string> {
  const base = `./${basename(scriptPath)}`;
  const hasDefault = /export\s+default\b/.test(scriptText);
  const text = [
    `import * as script from ${JSON.stringify(base)};`,
    `export * from ${JSON.stringify(base)};`,
    hasDefault ? 'export default script.default;' : '',
    'const { vus, duration, iterations, stages, scenarios, ...rest } = script.options || {};',
    `export const options = { ...rest, scenarios: ${JSON.stringify(w.scenarios)} };`,
    '',
  ].join('\n');
  const path = join(scriptPath, '..', `window-${w.index}.js`);
  await writeFile(path, text);
  return path;
}

/**
 * The seq the next window continues its runner's series from: the previous window's last
 * seq + 1, once it has written its window result (it flushes just after the boundary).
 * A previous window that died without one: the records it left decide.
 */
export async function continueSeqAfter(
  store: RunStore,
  keys: RunKeys,
  me: RunnerAssignment,
  window: number,
  waitMs: number,
  signal?: AbortSignal,
): Promise<number> {
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline && !signal?.aborted) {
    const prev = await getJson(store, keys.windowResult(me.runnerId, window - 1), (v) =>
      WindowResultSchema.parse(v),
    );
    if (prev) return prev.lastSeq + 1;
    await sleep(50);
  }
  return (await store.list(keys.runnerIntervalsPrefix(me.region, me.runnerId))).length;
}

export async function readWindowResult(
  store: RunStore,
  keys: RunKeys,
  runnerId: string,
  window: number,
): Promise<WindowResult | undefined> {
  return getJson(store, keys.windowResult(runnerId, window), (v) => WindowResultSchema.parse(v));
}

/**
 * A window's side of the hand-over: its load starts at the barrier plus its place on the
 * timeline, and a later window's first record continues the previous window's seq.
 */
export class WindowHandover {
  private handedOver: boolean;
  firstSeq = 0;

  constructor(
    readonly place: WindowPlace,
    private readonly plan: Plan,
    private readonly store: RunStore,
    private readonly keys: RunKeys,
    private readonly me: RunnerAssignment,
  ) {
    this.handedOver = place.first;
  }

  boundaryAt(startAt: number | undefined): number | undefined {
    return startAt === undefined ? undefined : startAt + (this.place.relay?.startMs ?? 0);
  }

  /** False while a later window may not write yet (before its load, nothing to write). */
  async readyToFlush(resumed: boolean, intervals: { seq: number }): Promise<boolean> {
    if (this.handedOver) return true;
    if (!resumed) return false;
    const waitMs = (this.plan.relay?.tailMs ?? 0) + 10_000;
    intervals.seq = await continueSeqAfter(this.store, this.keys, this.me, this.place.index, waitMs);
    this.firstSeq = intervals.seq;
    this.handedOver = true;
    return true;
  }
}
