import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalRunStore } from '../../functions/adapters/store/local-run-store';
import { getJson } from '../../functions/adapters/store/run-store';
import {
  type IntervalRecord,
  IntervalRecordSchema,
  type MetricsOutputKind,
  MetricsOutputKindSchema,
  type RegionWeight,
  type RunnerResult,
  RunnerResultSchema,
  runKeys,
} from '../../functions/contracts';
import { type LocalFleetResult, runLocalFleet } from '../../functions/entrypoints/local/run-local';
import { K6_BIN } from './k6-binary';

export const ONE_REGION: RegionWeight[] = [{ name: 'local', weight: 100 }];
export const THREE_REGIONS: RegionWeight[] = [
  { name: 'us-east-1', weight: 50 },
  { name: 'eu-west-1', weight: 30 },
  { name: 'ap-southeast-2', weight: 20 },
];

/** A finished local fleet run whose run store is still on disk (call dispose()). */
export interface BenchFleetRun extends LocalFleetResult {
  readonly storeRoot: string;
  results(): Promise<RunnerResult[]>;
  intervals(): Promise<IntervalRecord[]>;
  /** Path of one extra output file (e.g. `samples.json`) of every runner, by runner id. */
  outputFiles(file: string): Promise<Map<string, string>>;
  dispose(): Promise<void>;
}

/** BENCH_METRICS_OUTPUT=otlp measures a bench on the OTLP fallback (before/after tables). */
export function benchMetricsOutput(): MetricsOutputKind | undefined {
  const v = process.env.BENCH_METRICS_OUTPUT;
  if (v === undefined || v === '') return undefined;
  return MetricsOutputKindSchema.parse(v);
}

/** Runs the real local fleet (planner, runner processes, watcher, finalizer) in a temp store. */
export async function runBenchFleet(o: {
  testName: string;
  script: string;
  regions: RegionWeight[];
  runnersPerRegion: number;
  extraOutputs?: string[];
  intervalSeconds?: number;
  /** The runners' metrics path; default BENCH_METRICS_OUTPUT (fleet | otlp), else auto
   * (fleet when the k6 has it). */
  metricsOutput?: MetricsOutputKind;
  /** The runner processes' pids, once they are spawned. */
  onRunnerPids?: (pids: number[]) => void;
}): Promise<BenchFleetRun> {
  const storeRoot = await mkdtemp(join(tmpdir(), 'k6-fleet-bench-'));
  const res = await runLocalFleet({
    input: {
      testName: o.testName,
      script: { inline: o.script },
      regions: o.regions,
      runnersPerRegion: o.runnersPerRegion,
      ...(o.intervalSeconds ? { intervalSeconds: o.intervalSeconds } : {}),
    },
    scriptText: o.script,
    env: {},
    storeRoot,
    k6Path: K6_BIN,
    extraOutputs: o.extraOutputs,
    metricsOutput: o.metricsOutput ?? benchMetricsOutput(),
    onPlan: (_plan, runners) =>
      o.onRunnerPids?.(runners.flatMap((r) => (r.pid === undefined ? [] : [r.pid]))),
  });
  const store = new LocalRunStore(storeRoot);
  const keys = runKeys(res.plan.runId);
  const readAll = async <T>(prefix: string, parse: (v: unknown) => T): Promise<T[]> => {
    const out: T[] = [];
    for (const key of await store.list(prefix)) {
      const v = await getJson(store, key, parse);
      if (v) out.push(v);
    }
    return out;
  };
  return {
    ...res,
    storeRoot,
    results: () => readAll(keys.resultsPrefix, (v) => RunnerResultSchema.parse(v)),
    intervals: () => readAll(keys.intervalsPrefix, (v) => IntervalRecordSchema.parse(v)),
    outputFiles: async (file) => {
      const workRoot = join(storeRoot, 'work', res.plan.runId);
      const out = new Map<string, string>();
      for (const runner of await readdir(workRoot)) out.set(runner, join(workRoot, runner, file));
      return out;
    },
    dispose: () => rm(storeRoot, { recursive: true, force: true }),
  };
}
