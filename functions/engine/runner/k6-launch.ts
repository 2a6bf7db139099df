import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { K6Process } from '../../adapters/k6/k6-process';
import { K6RestClient, K6Status } from '../../adapters/k6/k6-rest-client';
import { k6RunArgs, k6RunEnv } from '../../adapters/k6/k6-run-args';
import type { RunStore } from '../../adapters/store/run-store';
import type { Plan, RunnerAssignment } from '../../contracts';
import { freePort } from './free-port';
import type { MetricsReceiver } from './metrics-receiver';
import type { ProcessStatsSampler } from './process-stats';
import { k6Died, RunnerFailure, sleep } from './runner-failure';

/** What a runner passes to k6 beyond the plan (RunRunnerOptions' k6 part). */
export interface K6LaunchOptions {
  store: RunStore;
  env: Record<string, string>;
  k6Path: string;
  workDir: string;
  otlpExportIntervalMs?: number;
  k6Summary?: boolean;
  extraOutputs?: string[];
}

/** Copies the plan's script from the run store into the runner's work dir. */
export async function writeRunnerScript(opts: K6LaunchOptions, plan: Plan): Promise<string> {
  await mkdir(opts.workDir, { recursive: true });
  const script = await opts.store.get(plan.script.key);
  if (script === undefined) throw new RunnerFailure(255, `script missing at ${plan.script.key}`);
  const scriptPath = join(opts.workDir, 'script.js');
  await writeFile(scriptPath, script);
  return scriptPath;
}

/** Spawns k6 paused on the runner's segment, sending its metrics to the receiver. */
export async function spawnK6(
  opts: K6LaunchOptions,
  plan: Plan,
  me: RunnerAssignment,
  scriptPath: string,
  receiver: MetricsReceiver,
): Promise<{ k6: K6Process; rest: K6RestClient }> {
  const restAddress = `127.0.0.1:${await freePort()}`;
  const spec = {
    plan,
    runner: me,
    scriptPath,
    restAddress,
    ...receiver.k6Target,
    env: opts.env,
    otlpExportIntervalMs: opts.otlpExportIntervalMs ?? Math.min(1000, plan.timing.intervalMs),
    k6Summary: opts.k6Summary,
    extraOutputs: opts.extraOutputs,
  };
  const k6 = K6Process.spawn(opts.k6Path, k6RunArgs(spec), k6RunEnv(spec, process.env), opts.workDir);
  return { k6, rest: new K6RestClient(restAddress) };
}

/**
 * k6 is ready once its REST API answers with the test paused before run. Checks for a stop
 * every control period meanwhile (`checkStop` throws on one).
 */
export async function waitForK6Paused(
  k6: K6Process,
  rest: K6RestClient,
  stats: ProcessStatsSampler,
  plan: Plan,
  startedAt: number,
  checkStop: () => Promise<void>,
): Promise<void> {
  const deadline = startedAt + plan.timing.readyTimeoutMs;
  let nextPoll = 0;
  for (;;) {
    if (k6.exit) throw k6Died(k6, stats, 'during init');
    const st = await rest.status().catch(() => undefined);
    if (st && st.status >= K6Status.pausedBeforeRun) return;
    if (Date.now() >= nextPoll) {
      nextPoll = Date.now() + plan.timing.controlPollMs;
      await checkStop();
    }
    if (Date.now() > deadline)
      throw new RunnerFailure(255, `k6 did not initialise within ${plan.timing.readyTimeoutMs / 1000} s`);
    await sleep(50);
  }
}
