/**
 * Start skew: how far each runner's actual start lands from the fleet's start barrier.
 *   npx tsx bench/start-skew.ts [--runs 5] [--runners 2] [--vus 20] [--duration 3]
 *
 * Each run is a real local fleet of 3 regions × N runners. Two measures per runner:
 * - startOffsetMs: what the runner records (the midpoint of its resume PATCH to k6's REST
 *   API, minus the barrier) — summary.fleet.startSkewMs is the max of its magnitude;
 * - first iteration: an independent check from inside k6 — each VU's first iteration
 *   records Date.now() in a Gauge, read back from each runner's JSON output; the earliest
 *   per runner minus the barrier is when load really began there.
 * Before each run, a wake-up probe shows the machine's own floor: as many plain Node
 * processes as runners sleep until one instant and report how late they woke.
 */
import { loadavg } from 'node:os';
import { numericFlags } from './lib/cli-flags';
import { jsonOutputValues } from './lib/json-output';
import { runBenchFleet, THREE_REGIONS } from './lib/local-fleet';
import { median } from './lib/stats';
import { printTable } from './lib/table';
import { startTargetProcess } from './lib/target-process';
import { wakeLateness } from './lib/wake-probe';

const flags = numericFlags(
  'Usage: npx tsx bench/start-skew.ts [flags]',
  { runs: 5, runners: 2, vus: 20, duration: 3 },
  {
    runs: 'fleet runs',
    runners: 'runners per region (3 regions)',
    vus: 'VUs in total',
    duration: 'test seconds per run',
  },
);
const GOAL_MS = 20;

const fmt = (ms: number) => ms.toFixed(1);
const range = (v: number[]) => `${fmt(Math.min(...v))} … ${fmt(Math.max(...v))}`;

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadBefore = loadavg();
  const target = await startTargetProcess({});
  const script = `
import http from 'k6/http';
import exec from 'k6/execution';
import { Gauge } from 'k6/metrics';
const firstIteration = new Gauge('bench_first_iteration_at');
export const options = {
  scenarios: { s: { executor: 'constant-vus', vus: ${flags.vus}, duration: '${flags.duration}s' } },
};
export default function () {
  if (exec.vu.iterationInScenario === 0) firstIteration.add(Date.now());
  http.get('${target.url}/');
}
`;
  const rows: string[][] = [];
  const allOffsets: number[] = [];
  const allFirst: number[] = [];
  const detail: string[][] = [];
  const allWake: number[] = [];
  try {
    for (let i = 1; i <= flags.runs; i++) {
      const wake = await wakeLateness(3 * flags.runners);
      allWake.push(...wake);
      const run = await runBenchFleet({
        testName: 'bench-start-skew',
        script,
        regions: THREE_REGIONS,
        runnersPerRegion: flags.runners,
        extraOutputs: ['json=first.json'],
      });
      try {
        const startAt = run.summary.fleet.startAt;
        if (run.summary.fleet.exitCode !== 0 || startAt === null) {
          throw new Error(`run ${i} ended with exit code ${run.summary.fleet.exitCode}`);
        }
        const results = await run.results();
        const files = await run.outputFiles('first.json');
        const offsets: number[] = [];
        const firsts: number[] = [];
        for (const r of results) {
          // A runner whose segment got no VU (k6's striping) has no first iteration.
          const marks = await jsonOutputValues(files.get(r.runnerId)!, 'bench_first_iteration_at');
          const first = marks.length ? Math.min(...marks) - startAt : undefined;
          offsets.push(r.startOffsetMs ?? Number.NaN);
          if (first !== undefined) firsts.push(first);
          const shown = first === undefined ? '– (no VU)' : fmt(first);
          detail.push([String(i), r.runnerId, fmt(r.startOffsetMs ?? Number.NaN), shown]);
        }
        const abs = offsets.map(Math.abs);
        allOffsets.push(...offsets);
        allFirst.push(...firsts);
        const maxAbs = Math.max(...abs);
        rows.push([
          String(i),
          String(run.summary.fleet.startSkewMs ?? 'null'),
          fmt(maxAbs),
          fmt(median(abs)),
          range(offsets),
          range(firsts),
          fmt(Math.max(...firsts) - Math.min(...firsts)),
          `${Math.min(...wake)} … ${Math.max(...wake)}`,
          maxAbs <= GOAL_MS ? 'PASS' : 'MISS',
        ]);
        process.stderr.write(`run ${i}/${flags.runs}: max abs(start offset) ${fmt(maxAbs)} ms\n`);
      } finally {
        await run.dispose();
      }
    }
  } finally {
    await target.stop();
  }
  const absAll = allOffsets.map(Math.abs);
  rows.push([
    'all',
    '',
    fmt(Math.max(...absAll)),
    fmt(median(absAll)),
    range(allOffsets),
    range(allFirst),
    '',
    `${Math.min(...allWake)} … ${Math.max(...allWake)} (median ${median(allWake)})`,
    Math.max(...absAll) <= GOAL_MS ? 'PASS' : 'MISS',
  ]);
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  process.stdout.write(
    `\n## Start skew — ${startedAt.toISOString()}, ${flags.runs} runs × ${3 * flags.runners} runners ` +
      `(3 regions × ${flags.runners}), ${flags.vus} VUs, ${flags.duration} s, ` +
      `load average before ${load(loadBefore)}, after ${load(loadavg())}\n`,
  );
  printTable(
    'Start offsets from the barrier (ms); goal: max abs(offset) ≤ 20 ms',
    [
      'run',
      'summary startSkewMs',
      'max abs(offset)',
      'median abs(offset)',
      'offsets min … max',
      'first iteration − barrier',
      'first-iteration spread',
      'wake-up probe lateness',
      'result',
    ],
    rows,
  );
  printTable('Per runner (ms)', ['run', 'runner', 'startOffsetMs', 'first iteration − barrier'], detail);
}

await main();
