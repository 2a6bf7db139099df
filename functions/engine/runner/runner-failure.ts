import type { K6Process } from '../../adapters/k6/k6-process';
import type { StopReason } from './control-poller';
import { k6EndReason } from './k6-crash-reason';
import type { ProcessStatsSampler } from './process-stats';

type K6MemoryPeaks = Pick<ProcessStatsSampler, 'peakRssBytes' | 'peakK6RssBytes'>;

/** A stop that ends the runner early with a k6-style exit code and a reason. */
export class RunnerFailure extends Error {
  constructor(
    readonly k6ExitCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** k6 ended on its own before the runner was done with it. */
export function k6Died(k6: K6Process | undefined, stats: K6MemoryPeaks, when: string): RunnerFailure {
  const code = k6?.exitCode() ?? 255;
  const what = k6 ? k6EndReason(k6, stats) : `k6 exited with code ${code}`;
  return new RunnerFailure(code, `${what} ${when}`);
}

/** The host (Ctrl-C, Lambda timeout guard) asked the runner to stop. */
export function hostStop(signal: AbortSignal | undefined): StopReason | undefined {
  if (!signal?.aborted) return undefined;
  return {
    kind: 'abort',
    abort: { source: 'interrupt', reason: 'runner interrupted by its host', at: Date.now() },
  };
}

export function describeStop(s: StopReason): string {
  if (s.kind === 'abort') return `aborted (${s.abort.source}): ${s.abort.reason}`;
  return `stopped itself: ${s.reason}`;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** Sleeps until an absolute time. A plain timer (~1 ms late when idle): spinning for the
 * last milliseconds looked more precise but starved the other runners sharing the CPUs at
 * exactly the barrier (bench/start-skew.ts). */
export async function sleepUntil(at: number): Promise<void> {
  await sleep(at - Date.now());
}
