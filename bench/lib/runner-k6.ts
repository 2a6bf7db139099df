import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { K6Process } from '../../functions/adapters/k6/k6-process';
import { K6RestClient, K6Status } from '../../functions/adapters/k6/k6-rest-client';
import { type K6RunSpec, k6RunArgs, k6RunEnv } from '../../functions/adapters/k6/k6-run-args';
import { LocalRunStore } from '../../functions/adapters/store/local-run-store';
import type { Plan } from '../../functions/contracts';
import { planRun } from '../../functions/engine/planner/plan-run';
import { freePort } from '../../functions/engine/runner/free-port';
import { K6_BIN } from './k6-binary';

/** How a variant changes the runner's k6 command line and environment. */
export interface K6Variation {
  args(runnerArgs: string[]): string[];
  env(runnerEnv: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * k6 exactly as a runner starts it (k6RunArgs / k6RunEnv of a real one-runner plan),
 * driven the way the runner drives it — wait until paused, resume, poll until the test has
 * ended, SIGINT the lingering k6 — but with no runner around it, so the OTLP endpoint can
 * be any receiver (the bench's null receiver).
 */
export class RunnerK6 {
  private constructor(
    private readonly plan: Plan,
    private readonly dir: string,
    private readonly scriptPath: string,
  ) {}

  static async plan(script: string): Promise<RunnerK6> {
    const dir = await mkdtemp(join(tmpdir(), 'k6-fleet-bench-k6-'));
    const plan = await planRun(
      {
        testName: 'bench',
        script: { inline: script },
        regions: [{ name: 'local', weight: 100 }],
        runnersPerRegion: 1,
      },
      {
        store: new LocalRunStore(join(dir, 'store')),
        k6Path: K6_BIN,
        scriptText: script,
        runnerLimitMs: null,
      },
    );
    const scriptPath = join(dir, 'script.js');
    await writeFile(scriptPath, script);
    return new RunnerK6(plan, dir, scriptPath);
  }

  get region(): string {
    return this.plan.runners[0]!.region;
  }

  get runnerId(): string {
    return this.plan.runners[0]!.runnerId;
  }

  /** The spec a runner would build for k6, with the given OTLP endpoint. */
  async spec(otlpEndpoint: string): Promise<K6RunSpec> {
    return {
      plan: this.plan,
      runner: this.plan.runners[0]!,
      scriptPath: this.scriptPath,
      restAddress: `127.0.0.1:${await freePort()}`,
      otlpEndpoint,
      env: {},
      // The runner's own choice (run-runner.ts: min(1000, intervalMs)).
      otlpExportIntervalMs: Math.min(1000, this.plan.timing.intervalMs),
    };
  }

  /** Runs one test with the runner's flags (changed by `variation`); resolves k6's exit code. */
  async run(
    otlpEndpoint: string,
    variation: K6Variation,
    onSpawn?: (pid: number) => void,
  ): Promise<number | null> {
    const spec = await this.spec(otlpEndpoint);
    const k6 = K6Process.spawn(
      K6_BIN,
      variation.args(k6RunArgs(spec)),
      variation.env(k6RunEnv(spec, process.env)),
      this.dir,
    );
    if (k6.pid !== undefined) onSpawn?.(k6.pid);
    const rest = new K6RestClient(spec.restAddress);
    try {
      const deadline = Date.now() + 60_000;
      for (;;) {
        if (k6.exit) throw new Error(`k6 exited during init: ${k6.stderrTail()}`);
        const st = await rest.status().catch(() => undefined);
        if (st && st.status >= K6Status.pausedBeforeRun) break;
        if (Date.now() > deadline) throw new Error('k6 did not initialise within 60 s');
        await sleep(50);
      }
      await rest.resume();
      for (;;) {
        await sleep(this.plan.timing.controlPollMs);
        if (k6.exit) break;
        const st = await rest.status().catch(() => undefined);
        if (st && st.status >= K6Status.ended) break;
      }
      await k6.terminate('SIGINT', 15_000);
      return k6.exitCode();
    } finally {
      await k6.terminate('SIGKILL', 1000);
    }
  }

  dispose(): Promise<void> {
    return rm(this.dir, { recursive: true, force: true });
  }
}

/** Replaces the runner's `--out opentelemetry` with another output (or none). */
export function swapOutput(args: string[], output: string | undefined): string[] {
  const i = args.findIndex((a, j) => a === 'opentelemetry' && args[j - 1] === '--out');
  if (i < 0) throw new Error('the runner args no longer contain --out opentelemetry');
  const out = [...args];
  out.splice(i - 1, 2, ...(output ? ['--out', output] : []));
  return out;
}

/** The runner's args with k6's default system tags and per-sample region/runner tags. */
export function withAllTags(args: string[], region: string, runnerId: string): string[] {
  const i = args.indexOf('--system-tags');
  if (i < 0) throw new Error('the runner args no longer set --system-tags');
  const out = [...args.slice(0, i), ...args.slice(i + 2)];
  return [
    ...out.slice(0, -1),
    '--tag',
    `region=${region}`,
    '--tag',
    `runner=${runnerId}`,
    out[out.length - 1]!,
  ];
}
