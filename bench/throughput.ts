/**
 * Runner throughput vs. bare k6, vs. k6 with the runner's output to a null receiver, and
 * k6's OpenTelemetry vs. prometheus-rw output cost — interleaved, several rounds.
 *   npx tsx bench/throughput.ts [--rounds 3] [--duration 10] [--vus 20]
 *
 * Every variant runs the same script (constant-vus, http.get of the target's `/`, which
 * answers at once) against the bundled target in its own process:
 *   a  bare `k6 run` (default end-of-test summary, no outputs)
 *   b  k6 with the runner's exact flags and env (k6RunArgs / k6RunEnv: paused + REST,
 *      --summary-mode=disabled, --out opentelemetry with delta temporality and exponential
 *      histograms) pointed at a null receiver (200, empty body, no decoding)
 *   c  the real runner: a local fleet of 1 region × 1 runner (runner process with its OTLP
 *      receiver decoding every payload, interval records to the run store, the watcher)
 *   d  as b, but `--out experimental-prometheus-rw` (native histograms) to the null receiver
 *   e  as b, but no output at all (what the runner's flags cost without any metrics output)
 * Requests/s = requests the target counted ÷ the scenario duration (k6's own counts are
 * checked against the target's for a and c).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { numericFlags } from './lib/cli-flags';
import { K6_BIN } from './lib/k6-binary';
import { ONE_REGION, runBenchFleet } from './lib/local-fleet';
import { startNullReceiver } from './lib/null-receiver';
import { RunnerK6, swapOutput } from './lib/runner-k6';
import { median } from './lib/stats';
import { printTable } from './lib/table';
import { startTargetProcess } from './lib/target-process';

const flags = numericFlags(
  'Usage: npx tsx bench/throughput.ts [flags]',
  { rounds: 3, duration: 10, vus: 20 },
  { rounds: 'interleaved rounds of all variants', duration: 'seconds per measurement', vus: 'constant VUs' },
);

type VariantId = 'a' | 'b' | 'c' | 'd' | 'e';
interface Measurement {
  /** Requests the target counted. */
  requests: number;
  /** Requests k6 (or the fleet summary) counted, where available. */
  k6Requests?: number;
  /** Metrics payload bytes the null receiver read. */
  outputBytes?: number;
}

const VARIANTS: Record<VariantId, string> = {
  a: 'a: bare k6 run',
  b: 'b: k6 + runner flags, OTel → null receiver',
  c: 'c: runner (local fleet, 1 runner)',
  d: 'd: k6 + runner flags, prometheus-rw → null receiver',
  e: 'e: k6 + runner flags, no output',
};

const script = (url: string) => `
import http from 'k6/http';
export const options = {
  scenarios: { s: { executor: 'constant-vus', vus: ${flags.vus}, duration: '${flags.duration}s' } },
};
export default function () { http.get('${url}/'); }
`;

function k6ExitCode(args: string[], cwd: string): Promise<number | null> {
  const child = spawn(K6_BIN, args, {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME ?? '/tmp' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-2000);
  });
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      if (code !== 0) process.stderr.write(`k6 exited with ${code}: ${stderr}\n`);
      resolve(code);
    }),
  );
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadBefore = loadavg();
  const target = await startTargetProcess({
    inheritDefaults: false,
    routes: { '/*': { latency: { kind: 'fixed', ms: 0 }, bodyBytes: 100 } },
  });
  const nullReceiver = await startNullReceiver();
  const dir = await mkdtemp(join(tmpdir(), 'k6-fleet-bench-throughput-'));
  const text = script(target.url);
  const scriptPath = join(dir, 'script.js');
  await writeFile(scriptPath, text);
  const runnerK6 = await RunnerK6.plan(text);
  const otlp = { args: (a: string[]) => a, env: (e: NodeJS.ProcessEnv) => e };
  const promRw = {
    args: (a: string[]) => swapOutput(a, 'experimental-prometheus-rw'),
    env: (e: NodeJS.ProcessEnv) => ({
      ...e,
      K6_PROMETHEUS_RW_SERVER_URL: `http://${nullReceiver.hostPort}/api/v1/write`,
      K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM: 'true',
      // Same cadence as the runner's OTLP export interval, so both outputs push as often.
      K6_PROMETHEUS_RW_PUSH_INTERVAL: '1s',
    }),
  };
  const noOutput = { args: (a: string[]) => swapOutput(a, undefined), env: (e: NodeJS.ProcessEnv) => e };

  const measure = async (id: VariantId): Promise<Measurement> => {
    await target.resetStats();
    const bytesBefore = nullReceiver.counts.bytes;
    let k6Requests: number | undefined;
    let code: number | null;
    if (id === 'a') {
      const exportFile = join(dir, 'summary-a.json');
      code = await k6ExitCode(
        ['run', '--quiet', '--no-usage-report', '--summary-export', exportFile, scriptPath],
        dir,
      );
      const exported = JSON.parse(await readFile(exportFile, 'utf8')) as {
        metrics: Record<string, { count?: number; values?: { count?: number } }>;
      };
      const reqs = exported.metrics.http_reqs;
      k6Requests = reqs?.values?.count ?? reqs?.count;
    } else if (id === 'c') {
      const run = await runBenchFleet({
        testName: 'bench-throughput',
        script: text,
        regions: ONE_REGION,
        runnersPerRegion: 1,
      });
      code = run.summary.fleet.exitCode;
      k6Requests = run.summary.metrics.http_reqs?.values.count;
      await run.dispose();
    } else {
      const variation = id === 'b' ? otlp : id === 'd' ? promRw : noOutput;
      code = await runnerK6.run(nullReceiver.hostPort, variation);
    }
    if (code !== 0) throw new Error(`variant ${id} ended with exit code ${code}`);
    const { requests } = await target.stats();
    if (k6Requests !== undefined && k6Requests !== requests) {
      process.stderr.write(
        `note: variant ${id}: k6 counted ${k6Requests} requests, the target ${requests}\n`,
      );
    }
    const outputBytes =
      id === 'a' || id === 'c' || id === 'e' ? undefined : nullReceiver.counts.bytes - bytesBefore;
    return { requests, k6Requests, outputBytes };
  };

  const ids: VariantId[] = ['a', 'b', 'c', 'd', 'e'];
  const rounds: Record<VariantId, Measurement>[] = [];
  try {
    for (let round = 1; round <= flags.rounds; round++) {
      const got = {} as Record<VariantId, Measurement>;
      for (const id of ids) {
        got[id] = await measure(id);
        const rps = got[id].requests / flags.duration;
        process.stderr.write(`round ${round}/${flags.rounds} ${VARIANTS[id]}: ${rps.toFixed(0)} req/s\n`);
      }
      rounds.push(got);
    }
  } finally {
    await runnerK6.dispose();
    await nullReceiver.stop();
    await target.stop();
    await rm(dir, { recursive: true, force: true });
  }

  const rps = (m: Measurement) => m.requests / flags.duration;
  const perRound = (id: VariantId) => rounds.map((r) => rps(r[id]));
  const ratios = (x: VariantId, y: VariantId) => rounds.map((r) => rps(r[x]) / rps(r[y]));
  const spread = (v: number[], digits: number) =>
    `${Math.min(...v).toFixed(digits)}–${Math.max(...v).toFixed(digits)}`;
  const ratioCell = (x: VariantId, y: VariantId) => {
    const v = ratios(x, y);
    return `${median(v).toFixed(3)} (${spread(v, 3)})`;
  };

  process.stdout.write(
    `\n## Throughput — ${startedAt.toISOString()}, ${flags.rounds} rounds × ${flags.duration} s, ${flags.vus} VUs, ` +
      `load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}\n`,
  );
  printTable(
    'Requests/s per round (interleaved a, b, c, d, e)',
    ['variant', ...rounds.map((_, i) => `round ${i + 1}`)],
    ids.map((id) => [VARIANTS[id], ...perRound(id).map((v) => v.toFixed(0))]),
  );
  printTable(
    'Throughput: median over rounds; ratios are per-round ratios, median (min–max)',
    ['variant', 'median req/s', 'min–max', 'ratio to a', 'ratio to b', 'metrics bytes/s'],
    ids.map((id) => {
      const bytes = rounds.map((r) => r[id].outputBytes).filter((b) => b !== undefined);
      return [
        VARIANTS[id],
        median(perRound(id)).toFixed(0),
        spread(perRound(id), 0),
        ratioCell(id, 'a'),
        ratioCell(id, 'b'),
        bytes.length ? (median(bytes) / flags.duration).toFixed(0) : '–',
      ];
    }),
  );
  const goal = (x: VariantId, y: VariantId, min: number) => {
    const m = median(ratios(x, y));
    return [`${x}/${y}`, `≥ ${min}`, m.toFixed(3), m >= min ? 'PASS' : 'MISS'];
  };
  printTable('Goals', ['ratio', 'goal', 'median', 'result'], [goal('c', 'b', 0.95), goal('c', 'a', 0.85)]);
  printTable(
    'Output cost: OpenTelemetry vs prometheus-rw (same runner flags, null receiver)',
    ['comparison', 'median ratio (min–max)'],
    [
      ['OTel (b) / no output (e)', ratioCell('b', 'e')],
      ['prometheus-rw (d) / no output (e)', ratioCell('d', 'e')],
      ['OTel (b) / prometheus-rw (d)', ratioCell('b', 'd')],
    ],
  );
}

await main();
