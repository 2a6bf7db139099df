import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { RunnerResult } from '../../contracts';
import type { LocalRunnerJob } from './runner-main';

const ROOT = resolve(import.meta.dirname, '../../..');
const MAIN = resolve(import.meta.dirname, 'runner-main.ts');
/** What runner-main prints when its invocation starts (after node and tsx have loaded). */
export const INVOKED_LINE = 'k6-fleet-runner: invoked';

/**
 * A local runner as a child process in its own process group: Ctrl-C reaches only the
 * orchestrator (which stops runners through the control channel), and killing the group
 * takes the runner's k6 with it.
 */
export class RunnerProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when the invocation starts (runner-main loaded and past job.notBefore). */
  readonly invoked: Promise<void>;
  private onInvoked: () => void = () => undefined;
  private log: string[] = [];

  constructor(readonly job: LocalRunnerJob) {
    this.child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      cwd: ROOT,
      detached: true,
      stdio: ['pipe', 'ignore', 'pipe'],
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR },
    });
    this.invoked = new Promise((r) => {
      this.onInvoked = r;
    });
    this.child.stdin?.end(JSON.stringify(job));
    this.child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      if (d.includes(INVOKED_LINE)) this.onInvoked();
      this.log.push(d);
      if (this.log.length > 50) this.log.shift();
    });
    this.exited = new Promise((res) => this.child.on('exit', (code, signal) => res({ code, signal })));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  stderr(): string {
    return this.log.join('').trim();
  }

  /** Kills the runner and everything it started (its k6). */
  killGroup(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // already gone
    }
  }

  /** The result the orchestrator records when a runner died without writing its own. */
  deathResult(exit: { code: number | null; signal: NodeJS.Signals | null }, region: string): RunnerResult {
    const how = exit.signal ? `killed by ${exit.signal}` : `exited with code ${exit.code}`;
    const tail = this.stderr().split('\n').slice(-5).join('\n');
    return {
      runnerId: this.job.runnerId,
      region,
      outcome: 'failed',
      k6ExitCode: null,
      reason: `runner process ${how} before reporting a result`,
      stderrTail: tail || undefined,
      endedAt: Date.now(),
      lastSeq: -1,
    };
  }
}
