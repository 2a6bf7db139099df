/**
 * Runner throughput vs. bare k6, vs. k6 with the runner's output to a null receiver, and
 * k6's OpenTelemetry vs. prometheus-rw output cost — interleaved, several rounds.
 *   npx tsx bench/throughput.ts [--rounds 5] [--duration 8] [--vus 20] [--rate 0]
 *   (BENCH_VARIANTS=a,b,c,g runs a subset; a, b and c always run.)
 *
 * Every variant runs the same script (constant-vus, http.get of the target's `/`, which
 * answers at once) against the bundled target in its own process:
 *   a  bare `k6 run` (default end-of-test summary, no outputs)
 *   b  k6 with the runner's exact flags and env (k6RunArgs / k6RunEnv: paused + REST,
 *      --summary-mode=disabled, --out opentelemetry with delta temporality and exponential
 *      histograms) pointed at a null receiver (200, empty body, no decoding)
 *   c  the real runner: a local fleet of 1 region × 1 runner (runner process with its
 *      metrics receiver — the fleet output's when k6 has it —, interval records to the run
 *      store, the watcher)
 *   d  as b, but `--out experimental-prometheus-rw` (native histograms) to the null receiver
 *   e  as b, but no output at all (what the runner's flags cost without any metrics output)
 *   f  as b, with k6's default system tags and `--tag region=… --tag runner=…` (the runner's
 *      flags before they were cut to the tags the receiver keeps: what that cut saves)
 *   g  as b, but `--out fleet=…`: k6-fleet's own k6 output (tools/k6/fleetoutput), which
 *      aggregates inside k6 per interval and posts one JSON batch a second
 *   h  as c, but the runner forced onto the OTLP fallback (the runner before issue 12)
 * Requests/s = requests the target counted ÷ the scenario duration (k6's own counts are
 * checked against the target's for a and c).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEPT_TAGS } from '../functions/contracts';
import { numericFlags } from './lib/cli-flags';
import { K6_BIN } from './lib/k6-binary';
import { LoadSampler, type SteadyWindow } from './lib/load-sampler';
import { ONE_REGION, runBenchFleet } from './lib/local-fleet';
import { startNullReceiver } from './lib/null-receiver';
import { RunnerK6, swapOutput, withAllTags } from './lib/runner-k6';
import { median } from './lib/stats';
import { printTable } from './lib/table';
import { startTargetProcess } from './lib/target-process';

const flags = numericFlags(
  'Usage: npx tsx bench/throughput.ts [flags]',
  { rounds: 5, duration: 8, vus: 20, rate: 0 },
  {
    rounds: 'interleaved rounds of all variants',
    duration: 'seconds per measurement',
    vus: 'constant VUs (with --rate: pre-allocated VUs)',
    rate: 'a fixed request rate (constant-arrival-rate) instead of as fast as possible; 0 = off',
  },
);

type VariantId = 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h';
interface Measurement {
  /** Requests the target counted. */
  requests: number;
  /** Requests k6 (or the fleet summary) counted, where available. */
  k6Requests?: number;
  /** Metrics payload bytes the null receiver read. */
  outputBytes?: number;
  /**
   * The steady load phase: CPU of k6, of the runner process around it (c), of the target
   * and of the bench process (null receiver and REST polling in b, d–f; orchestrator and
   * watcher in c).
   */
  steady: SteadyWindow;
}

const VARIANTS: Record<VariantId, string> = {
  a: 'a: bare k6 run',
  b: 'b: k6 + runner flags, OTel → null receiver',
  c: 'c: runner (local fleet, 1 runner)',
  d: 'd: k6 + runner flags, prometheus-rw → null',
  e: 'e: k6 + runner flags, no output',
  f: 'f: as b, all k6 system tags + region/runner',
  g: 'g: k6 + runner flags, fleet output → null',
  h: 'h: runner on the OTLP fallback (before)',
};

/**
 * As fast as the machine allows (constant-vus), or — with --rate — a fixed rate below
 * saturation, where every variant makes the same requests at the same pace and CPU per
 * request compares the work alone (no batching differences between fast and slow runs).
 */
const scenario = flags.rate
  ? `{ executor: 'constant-arrival-rate', rate: ${flags.rate}, timeUnit: '1s', duration: '${flags.duration}s', preAllocatedVUs: ${flags.vus} }`
  : `{ executor: 'constant-vus', vus: ${flags.vus}, duration: '${flags.duration}s' }`;
const script = (url: string) => `
import http from 'k6/http';
export const options = { scenarios: { s: ${scenario} } };
export default function () { http.get('${url}/'); }
`;

function spawnK6(args: string[], cwd: string): { pid: number; exitCode: Promise<number | null> } {
  const child = spawn(K6_BIN, args, {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME ?? '/tmp' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-2000);
  });
  const exitCode = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      if (code !== 0) process.stderr.write(`k6 exited with ${code}: ${stderr}\n`);
      resolve(code);
    }),
  );
  return { pid: child.pid!, exitCode };
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
  // The runner's flags before the tag cut: k6's default system tags, region/runner on every sample.
  const allTags = {
    args: (a: string[]) => withAllTags(a, runnerK6.region, runnerK6.runnerId),
    env: (e: NodeJS.ProcessEnv) => e,
  };
  const fleetOut = {
    args: (a: string[]) => swapOutput(a, `fleet=http://${nullReceiver.hostPort}/v1/series`),
    env: (e: NodeJS.ProcessEnv) => ({
      ...e,
      K6_FLEET_PUSH_INTERVAL: '1s',
      K6_FLEET_KEEP_TAGS: [...KEPT_TAGS].join(','),
    }),
  };
  const noOutput = { args: (a: string[]) => swapOutput(a, undefined), env: (e: NodeJS.ProcessEnv) => e };

  const measure = async (id: VariantId): Promise<Measurement> => {
    await target.resetStats();
    const bytesBefore = nullReceiver.counts.bytes;
    let roots: number[] = [];
    const sampler = new LoadSampler(
      () => roots,
      target.pid,
      async () => (await target.stats()).requests,
    );
    let k6Requests: number | undefined;
    let code: number | null;
    if (id === 'a') {
      const exportFile = join(dir, 'summary-a.json');
      const k6 = spawnK6(
        ['run', '--quiet', '--no-usage-report', '--summary-export', exportFile, scriptPath],
        dir,
      );
      roots = [k6.pid];
      code = await k6.exitCode;
      const exported = JSON.parse(await readFile(exportFile, 'utf8')) as {
        metrics: Record<string, { count?: number; values?: { count?: number } }>;
      };
      const reqs = exported.metrics.http_reqs;
      k6Requests = reqs?.values?.count ?? reqs?.count;
    } else if (id === 'c' || id === 'h') {
      const run = await runBenchFleet({
        ...(id === 'h' ? { metricsOutput: 'otlp' as const } : {}),
        testName: 'bench-throughput',
        script: text,
        regions: ONE_REGION,
        runnersPerRegion: 1,
        onRunnerPids: (pids) => {
          roots = pids;
        },
      });
      code = run.summary.fleet.exitCode;
      k6Requests = run.summary.metrics.http_reqs?.values.count;
      await run.dispose();
    } else {
      const variation = { b: otlp, d: promRw, e: noOutput, f: allTags, g: fleetOut }[id];
      code = await runnerK6.run(nullReceiver.hostPort, variation, (pid) => {
        roots = [pid];
      });
    }
    await sampler.stop();
    if (code !== 0) throw new Error(`variant ${id} ended with exit code ${code}`);
    const { requests } = await target.stats();
    if (k6Requests !== undefined && k6Requests !== requests) {
      process.stderr.write(
        `note: variant ${id}: k6 counted ${k6Requests} requests, the target ${requests}\n`,
      );
    }
    const steady = sampler.steady();
    if (!steady) throw new Error(`variant ${id}: no steady load phase to measure (use a longer --duration)`);
    return {
      requests,
      k6Requests,
      outputBytes:
        id === 'a' || id === 'c' || id === 'e' || id === 'h'
          ? undefined
          : nullReceiver.counts.bytes - bytesBefore,
      steady,
    };
  };

  const all: VariantId[] = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
  // BENCH_VARIANTS=a,b,g measures a subset (a, b and c are always kept: the goals need them).
  const only = new Set([...(process.env.BENCH_VARIANTS ?? all.join(',')).split(','), 'a', 'b', 'c']);
  const ids = all.filter((id) => only.has(id));
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
  /** Load-generator CPU (k6, plus the runner process in c) per 1,000 requests. */
  const genCpu = (m: Measurement) => ((m.steady.k6CpuMs + m.steady.runnerCpuMs) / m.steady.requests) * 1000;
  const perRound = (id: VariantId, f: (m: Measurement) => number) => rounds.map((r) => f(r[id]));
  const spread = (v: number[], digits: number) =>
    `${Math.min(...v).toFixed(digits)}–${Math.max(...v).toFixed(digits)}`;
  const cell = (v: number[], digits: number) => `${median(v).toFixed(digits)} (${spread(v, digits)})`;
  /** Per-round throughput ratio x/y: pairs measured back to back share the machine's load. */
  const wallRatios = (x: VariantId, y: VariantId) => rounds.map((r) => rps(r[x]) / rps(r[y]));
  /** Per-round capacity ratio x/y from load-generator CPU per request (CPU-bound throughput). */
  const cpuRatios = (x: VariantId, y: VariantId) => rounds.map((r) => genCpu(r[y]) / genCpu(r[x]));
  const perK = (f: (w: SteadyWindow) => number) => (m: Measurement) =>
    (f(m.steady) / m.steady.requests) * 1000;
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');

  process.stdout.write(
    `\n## Throughput — ${startedAt.toISOString()}, ${flags.rounds} rounds × ${flags.duration} s, ` +
      `${flags.rate ? `fixed rate ${flags.rate} req/s (compare CPU, not req/s), ` : ''}` +
      `${flags.vus} VUs, load average before ${load(loadBefore)}, after ${load(loadavg())}\n`,
  );
  printTable(
    'Requests/s per round (interleaved a–g in each round)',
    ['variant', ...rounds.map((_, i) => `round ${i + 1}`)],
    ids.map((id) => [VARIANTS[id], ...perRound(id, rps).map((v) => v.toFixed(0))]),
  );
  printTable(
    'Throughput (wall clock): median over rounds; ratios are per-round ratios, median (min–max)',
    ['variant', 'median req/s', 'min–max', 'ratio to a', 'ratio to b', 'metrics bytes/s'],
    ids.map((id) => {
      const bytes = rounds.flatMap((r) => (r[id].outputBytes === undefined ? [] : [r[id].outputBytes]));
      return [
        VARIANTS[id],
        median(perRound(id, rps)).toFixed(0),
        spread(perRound(id, rps), 0),
        cell(wallRatios(id, 'a'), 3),
        cell(wallRatios(id, 'b'), 3),
        bytes.length ? (median(bytes) / flags.duration).toFixed(0) : '–',
      ];
    }),
  );
  printTable(
    'Steady load phase: CPU ms per 1,000 requests, median (min–max); capacity = load-generator (k6 + runner) CPU/req of the reference ÷ that of the variant',
    [
      'variant',
      'steady req/s',
      'k6',
      'runner process',
      'target',
      'bench process',
      'capacity vs a',
      'capacity vs b',
    ],
    ids.map((id) => [
      VARIANTS[id],
      cell(
        perRound(id, (m) => m.steady.requests / m.steady.seconds),
        0,
      ),
      cell(
        perRound(
          id,
          perK((w) => w.k6CpuMs),
        ),
        0,
      ),
      id === 'c' || id === 'h'
        ? cell(
            perRound(
              id,
              perK((w) => w.runnerCpuMs),
            ),
            0,
          )
        : '–',
      cell(
        perRound(
          id,
          perK((w) => w.targetCpuMs),
        ),
        0,
      ),
      cell(
        perRound(
          id,
          perK((w) => w.benchCpuMs),
        ),
        0,
      ),
      cell(cpuRatios(id, 'a'), 3),
      cell(cpuRatios(id, 'b'), 3),
    ]),
  );
  const goal = (x: VariantId, y: VariantId, min: number) => {
    const wall = median(wallRatios(x, y));
    const cpu = median(cpuRatios(x, y));
    const verdict = (v: number) => (v >= min ? 'PASS' : 'MISS');
    return [`${x}/${y}`, `≥ ${min}`, wall.toFixed(3), verdict(wall), cpu.toFixed(3), verdict(cpu)];
  };
  printTable(
    'Goals',
    ['ratio', 'goal', 'wall req/s ratio', 'result', 'CPU capacity ratio', 'result'],
    // Issue 12: a runner costs no more than bare k6 (≥ 0.95); h is the runner before it.
    [goal('c', 'a', 0.95), ...(ids.includes('h') ? [goal('h', 'a', 0.95), goal('c', 'h', 1)] : [])],
  );
  printTable(
    'Output cost, same runner flags, null receiver: throughput ratio (wall) and capacity ratio (CPU), median (min–max)',
    ['comparison', 'wall ratio', 'CPU capacity ratio'],
    (
      [
        ['OTel (b) / no output (e)', 'b', 'e'],
        ['prometheus-rw (d) / no output (e)', 'd', 'e'],
        ['OTel (b) / prometheus-rw (d)', 'b', 'd'],
        ['OTel, kept tags (b) / OTel, all tags (f)', 'b', 'f'],
        ['fleet output (g) / no output (e)', 'g', 'e'],
        ['fleet output (g) / OTel (b)', 'g', 'b'],
        ['fleet output (g) / bare k6 (a)', 'g', 'a'],
      ] as const
    )
      .filter(([, x, y]) => ids.includes(x) && ids.includes(y))
      .map(([label, x, y]) => [label, cell(wallRatios(x, y), 3), cell(cpuRatios(x, y), 3)]),
  );
}

await main();
