import { join } from 'node:path';
import type { LocalRunStore } from '../../adapters/store/local-run-store';
import { putJson } from '../../adapters/store/run-store';
import { type Plan, type RunnerAssignment, runKeys } from '../../contracts';
import type { LocalRunnerJob } from './runner-main';
import { RunnerProcess } from './runner-process';

/** Node + tsx start of a runner process on a busy machine: its "cold start", before the
 * invocation (a Lambda's init phase, not counted against its timeout either). */
const COLD_START_MS = 8000;

/**
 * The local fleet's runner processes: one per runner, or with relay windows one per
 * (runner, window), each a fresh process with a fresh k6 invoked `leadMs` before its
 * boundary, and killed `--runner-timeout` after its invocation as Lambda would.
 */
export class LocalRunners {
  readonly all: RunnerProcess[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private scheduled = false;
  private readonly keys;

  constructor(
    private readonly store: LocalRunStore,
    private readonly plan: Plan,
    private readonly job: (r: RunnerAssignment) => Omit<LocalRunnerJob, 'window'>,
    private readonly timeoutMs: number | undefined,
  ) {
    this.keys = runKeys(plan.runId);
  }

  /** Starts every runner's first window, and the second's process to wait for its turn. */
  startFirst(): RunnerProcess[] {
    const first = this.plan.runners.map((r) => this.spawn(r, 0));
    if (this.plan.relay) for (const r of this.plan.runners) this.spawn(r, 1);
    return first;
  }

  /** Once the barrier is known, schedules each later window ahead of its boundary. */
  onStartAt(startAt: number | undefined): void {
    const relay = this.plan.relay;
    if (!relay || startAt === undefined || this.scheduled) return;
    this.scheduled = true;
    for (const w of relay.windows.slice(2)) {
      const invokeAt = startAt + w.startMs - relay.leadMs;
      this.timers.push(
        setTimeout(
          () => {
            for (const r of this.plan.runners) void this.spawnUnlessDone(r, w.index, invokeAt);
          },
          Math.max(0, invokeAt - COLD_START_MS - Date.now()),
        ),
      );
    }
  }

  get exited(): Promise<unknown> {
    return Promise.all(this.all.map((p) => p.exited));
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    for (const p of this.all) p.killGroup('SIGKILL');
  }

  /** A runner whose result is written (it failed or was stopped) starts no more windows. */
  private async spawnUnlessDone(r: RunnerAssignment, window: number, notBefore: number): Promise<void> {
    if (await this.store.get(this.keys.result(r.runnerId))) return;
    this.spawn(r, window, notBefore);
  }

  private spawn(r: RunnerAssignment, window: number, notBefore?: number): RunnerProcess {
    const base = this.job(r);
    const workDir = window === 0 ? base.workDir : join(base.workDir, '..', `${r.runnerId}-w${window}`);
    const p = new RunnerProcess({ ...base, workDir, ...(this.plan.relay ? { window, notBefore } : {}) });
    this.all.push(p);
    let limit: NodeJS.Timeout | undefined;
    if (this.timeoutMs) {
      const ms = this.timeoutMs;
      void p.invoked.then(() => {
        limit = setTimeout(() => p.killGroup('SIGKILL'), ms);
      });
    }
    // A runner that dies without a result gets one written for it, and its k6 is killed.
    p.exited.then(async (exit) => {
      clearTimeout(limit);
      p.killGroup('SIGKILL');
      if (await this.store.get(this.keys.result(r.runnerId))) return;
      const last = !this.plan.relay || window === this.plan.relay.windows.length - 1;
      if (!last && (await this.store.get(this.keys.windowResult(r.runnerId, window)))) return;
      await putJson(this.store, this.keys.result(r.runnerId), p.deathResult(exit, r.region));
    });
    return p;
  }
}
