/**
 * Runner peak memory: one runner for a 60 s test, the runner process and its k6.
 *   npx tsx bench/memory.ts [--duration 60] [--vus 20]
 *
 * Reads what the runner records itself — RunnerResult.peakRssBytes (its own RSS, sampled
 * at each interval flush) and the interval records' process.rssBytes / k6RssBytes — and
 * checks it against /proc sampled every 250 ms by the bench, including VmHWM, the
 * kernel's peak-RSS mark, which no sampling interval can miss.
 */
import { loadavg } from 'node:os';
import { numericFlags } from './lib/cli-flags';
import { ONE_REGION, runBenchFleet } from './lib/local-fleet';
import { RssTracker } from './lib/rss-tracker';
import { median, mib } from './lib/stats';
import { printTable } from './lib/table';
import { startTargetProcess } from './lib/target-process';

const flags = numericFlags(
  'Usage: npx tsx bench/memory.ts [flags]',
  { duration: 60, vus: 20 },
  { duration: 'test seconds', vus: 'constant VUs' },
);

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadBefore = loadavg();
  const target = await startTargetProcess({
    inheritDefaults: false,
    routes: { '/*': { latency: { kind: 'fixed', ms: 0 }, bodyBytes: 100 } },
  });
  const script = `
import http from 'k6/http';
export const options = {
  scenarios: { s: { executor: 'constant-vus', vus: ${flags.vus}, duration: '${flags.duration}s' } },
};
export default function () { http.get('${target.url}/'); }
`;
  let roots: number[] = [];
  const tracker = new RssTracker(() => roots);
  const run = await runBenchFleet({
    testName: 'bench-memory',
    script,
    regions: ONE_REGION,
    runnersPerRegion: 1,
    onRunnerPids: (pids) => {
      roots = pids;
    },
  }).finally(async () => {
    await tracker.stop();
    await target.stop();
  });
  try {
    if (run.summary.fleet.exitCode !== 0)
      throw new Error(`run ended with exit code ${run.summary.fleet.exitCode}`);
    const [result] = await run.results();
    const records = await run.intervals();
    const runnerRss = records.flatMap((r) => (r.process ? [r.process.rssBytes] : []));
    const k6Rss = records.flatMap((r) => (r.process?.k6RssBytes !== undefined ? [r.process.k6RssBytes] : []));
    const together = records.flatMap((r) =>
      r.process?.k6RssBytes !== undefined ? [r.process.rssBytes + r.process.k6RssBytes] : [],
    );
    const node = [...tracker.byComm].find(([comm]) => comm !== 'k6')?.[1];
    const k6 = tracker.byComm.get('k6');
    const requests = run.summary.metrics.http_reqs?.values.count ?? 0;

    const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
    process.stdout.write(
      `\n## Memory — ${startedAt.toISOString()}, 1 runner, constant-vus ${flags.vus} for ${flags.duration} s, ` +
        `${requests} requests (${(requests / flags.duration).toFixed(0)} req/s), ${records.length} interval records, ` +
        `load average before ${load(loadBefore)}, after ${load(loadavg())}\n`,
    );
    printTable(
      'Peak resident memory (RSS)',
      [
        'process',
        "runner's own record: peak",
        'median over intervals',
        '/proc every 250 ms: max VmRSS',
        'VmHWM (kernel peak)',
      ],
      [
        [
          'runner process (Node)',
          `${mib(result?.peakRssBytes ?? 0)} (peakRssBytes)`,
          mib(median(runnerRss)),
          node ? mib(node.maxRss) : '–',
          node ? mib(node.hwm) : '–',
        ],
        [
          'its k6',
          `${mib(Math.max(...k6Rss))} (max k6RssBytes)`,
          mib(median(k6Rss)),
          k6 ? mib(k6.maxRss) : '–',
          k6 ? mib(k6.hwm) : '–',
        ],
        [
          'runner + k6',
          `${mib(Math.max(...together))} (max of the sum per record)`,
          mib(median(together)),
          node && k6 ? `≤ ${mib(node.maxRss + k6.maxRss)} (sum of maxima)` : '–',
          node && k6 ? `≤ ${mib(node.hwm + k6.hwm)} (sum of peaks)` : '–',
        ],
      ],
    );
  } finally {
    await run.dispose();
  }
}

await main();
