/**
 * Global percentiles from merged exponential histograms vs. the exact percentiles of every
 * raw sample, over a real local fleet (3 regions × N runners).
 *   npx tsx bench/percentiles.ts [--iterations 100000] [--vus 30] [--runners 2]
 *
 * The script makes exactly `iterations` requests (shared-iterations: k6's execution
 * segments split them exactly) to a target route with lognormal latency (median 2 ms,
 * sigma 0.8: a long right tail). Every runner also writes its raw samples with k6's JSON
 * output; the exact percentiles use k6's definition (linear interpolation between the
 * closest ranks).
 */
import { loadavg } from 'node:os';
import { numericFlags } from './lib/cli-flags';
import { jsonOutputValues } from './lib/json-output';
import { runBenchFleet, THREE_REGIONS } from './lib/local-fleet';
import { pct, percentileOfSorted, relativeError } from './lib/stats';
import { printTable } from './lib/table';
import { startTargetProcess } from './lib/target-process';

const flags = numericFlags(
  'Usage: npx tsx bench/percentiles.ts [flags]',
  { iterations: 100_000, vus: 30, runners: 2 },
  {
    iterations: 'requests in total (one sample of http_req_duration each)',
    vus: 'VUs in total',
    runners: 'runners per region (3 regions)',
  },
);
const GOAL = 0.005;
/** The goal covers med…p(99); p(99.9) is shown for information. */
const PERCENTILES: [string, number, boolean][] = [
  ['med', 50, true],
  ['p(90)', 90, true],
  ['p(95)', 95, true],
  ['p(99)', 99, true],
  ['p(99.9)', 99.9, false],
];

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadBefore = loadavg();
  const target = await startTargetProcess({
    routes: { '/api/*': { latency: { kind: 'lognormal', medianMs: 2, sigma: 0.8 } } },
  });
  const script = `
import http from 'k6/http';
export const options = {
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'p(99.9)'],
  scenarios: {
    s: { executor: 'shared-iterations', vus: ${flags.vus}, iterations: ${flags.iterations}, maxDuration: '20m' },
  },
};
export default function () { http.get('${target.url}/api/p'); }
`;
  const t0 = performance.now();
  const run = await runBenchFleet({
    testName: 'bench-percentiles',
    script,
    regions: THREE_REGIONS,
    runnersPerRegion: flags.runners,
    extraOutputs: ['json=samples.json'],
  }).finally(() => target.stop());
  const fleetSeconds = (performance.now() - t0) / 1000;
  try {
    if (run.summary.fleet.exitCode !== 0)
      throw new Error(`fleet run ended with exit code ${run.summary.fleet.exitCode}`);
    const values: number[] = [];
    for (const file of (await run.outputFiles('samples.json')).values()) {
      for (const v of await jsonOutputValues(file, 'http_req_duration')) values.push(v);
    }
    const sorted = Float64Array.from(values).sort();
    const fleet = run.summary.metrics.http_req_duration?.values ?? {};
    // The coarsest scale any runner's interval histogram had: what the merge ran at.
    const scales = (await run.intervals()).flatMap((rec) =>
      rec.series.flatMap((s) =>
        s.metric === 'http_req_duration' && s.type === 'trend' ? [s.hist.scale] : [],
      ),
    );
    const scale = Math.min(...scales);

    const rows: string[][] = [];
    let worst = 0;
    for (const [stat, p, inGoal] of PERCENTILES) {
      const want = percentileOfSorted(sorted, p);
      const got = fleet[stat];
      const err = got === undefined ? Number.POSITIVE_INFINITY : relativeError(got, want);
      if (inGoal) worst = Math.max(worst, err);
      const verdict = err <= GOAL ? 'PASS' : 'MISS';
      rows.push([
        stat,
        got?.toFixed(4) ?? 'missing',
        want.toFixed(4),
        pct(err, 3),
        inGoal ? verdict : `(${verdict}, info)`,
      ]);
    }
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const exactRow = (stat: string, want: number) => {
      const got = fleet[stat];
      return [
        stat,
        got?.toFixed(4) ?? 'missing',
        want.toFixed(4),
        got === undefined ? '–' : pct(relativeError(got, want), 4),
        '(exact)',
      ];
    };
    rows.push(
      exactRow('avg', mean),
      exactRow('min', sorted[0]!),
      exactRow('max', sorted[sorted.length - 1]!),
    );
    const count = run.summary.metrics.http_reqs?.values.count;

    const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
    process.stdout.write(
      `\n## Percentiles — ${startedAt.toISOString()}, ${run.plan.runners.length} runners ` +
        `(3 regions × ${flags.runners}), ${flags.vus} VUs, ${values.length} samples ` +
        `(fleet http_reqs count ${count}), fleet run ${fleetSeconds.toFixed(0)} s, ` +
        `load average before ${load(loadBefore)}, after ${load(loadavg())}\n` +
        `Merged at exponential-histogram scale ${scale} (bucket bounds grow by ×${(2 ** (2 ** -scale)).toFixed(4)}).\n`,
    );
    printTable(
      'http_req_duration (ms): fleet summary vs exact from raw samples; goal ≤ 0.5%',
      ['stat', 'fleet', 'exact', 'relative error', 'result'],
      rows,
    );
    process.stdout.write(
      `Worst error over med…p(99) ${pct(worst, 3)}: ${worst <= GOAL ? 'PASS' : 'MISS'} (goal ≤ ${pct(GOAL, 1)}); ` +
        `samples ≥ 100k: ${values.length >= 100_000 ? 'yes' : 'NO'}; fleet count = samples: ${count === values.length ? 'yes' : 'NO'}\n`,
    );
  } finally {
    await run.dispose();
  }
}

await main();
