import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetricsSink } from '../../functions/adapters/sinks/metrics-sink';
import type { RegionWeight, RunStatus } from '../../functions/contracts';
import { type LocalFleetResult, runLocalFleet } from '../../functions/entrypoints/local/run-local';
import type { RunnerProcess } from '../../functions/entrypoints/local/runner-process';
import { K6_PATH } from './k6-path';

export const THREE_REGIONS: RegionWeight[] = [
  { name: 'us-east-1', weight: 50 },
  { name: 'eu-west-1', weight: 30 },
  { name: 'ap-southeast-2', weight: 20 },
];

export interface FleetRun extends LocalFleetResult {
  storeRoot: string;
  statuses: RunStatus[];
  runners: RunnerProcess[];
}

/** Runs a real local fleet (real k6 runners) in a fresh temp run store. */
export async function runFleet(o: {
  script: string;
  env?: Record<string, string>;
  regions?: RegionWeight[];
  runnersPerRegion?: number;
  intervalSeconds?: number;
  heartbeatTimeoutSeconds?: number;
  extraOutputs?: string[];
  /** More run input fields (e.g. serverMetrics). */
  input?: Record<string, unknown>;
  /** Force a metrics path (the OTLP fallback tests); default: fleet when k6 has it. */
  metricsOutput?: 'fleet' | 'otlp';
  sink?: MetricsSink;
  onStatus?: (s: RunStatus) => void;
  onRunners?: (runners: RunnerProcess[]) => void;
  /** `--runner-timeout`: a longer test runs as relay windows. */
  runnerTimeoutSeconds?: number;
}): Promise<FleetRun> {
  const storeRoot = await mkdtemp(join(tmpdir(), 'k6-fleet-test-'));
  const statuses: RunStatus[] = [];
  let runners: RunnerProcess[] = [];
  const env = o.env ?? {};
  const res = await runLocalFleet({
    input: {
      testName: 'fleet-test',
      script: { inline: o.script },
      regions: o.regions ?? THREE_REGIONS,
      runnersPerRegion: o.runnersPerRegion ?? 2,
      env,
      intervalSeconds: o.intervalSeconds ?? 1,
      ...(o.heartbeatTimeoutSeconds ? { heartbeatTimeoutSeconds: o.heartbeatTimeoutSeconds } : {}),
      ...o.input,
    },
    scriptText: o.script,
    env,
    storeRoot,
    k6Path: K6_PATH,
    tickMs: 500,
    extraOutputs: o.extraOutputs,
    metricsOutput: o.metricsOutput,
    sink: o.sink,
    runnerTimeoutSeconds: o.runnerTimeoutSeconds,
    onPlan: (_plan, r) => {
      runners = r;
      o.onRunners?.(r);
    },
    onStatus: (s) => {
      statuses.push(s);
      o.onStatus?.(s);
    },
  });
  return { ...res, storeRoot, statuses, runners };
}

/** Every `--out json` sample value of one metric across all runners of a run. */
export async function jsonSamples(run: FleetRun, file: string, metric: string): Promise<number[]> {
  const workRoot = join(run.storeRoot, 'work', run.plan.runId);
  const values: number[] = [];
  for (const runner of await readdir(workRoot)) {
    const text = await readFile(join(workRoot, runner, file), 'utf8');
    for (const line of text.split('\n')) {
      if (!line.includes(`"metric":"${metric}"`) || !line.includes('"type":"Point"')) continue;
      values.push((JSON.parse(line) as { data: { value: number } }).data.value);
    }
  }
  return values;
}

/** k6's percentile: linear interpolation between closest ranks of the sorted samples. */
export function exactPercentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export const cleanup = (run: { storeRoot: string } | undefined) =>
  run ? rm(run.storeRoot, { recursive: true, force: true }) : Promise.resolve();
