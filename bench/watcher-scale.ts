/**
 * Watcher scale (issue 11, item 7): the real watch tick (`watchTick`) over simulated
 * interval records of 100 and 1,000 runners, on the local folder store and on moto S3,
 * for several ticks of a growing run. Per tick: tick time, S3 requests and bytes (counted by
 * an SDK middleware on the watcher's own client), and the process's RSS / heap.
 *
 * Records follow the real contract (IntervalRecordSchema) with real exponential histograms
 * (functions/core/histogram). Every 10th runner lags: some of its records land two ticks
 * late, after the next one (seq n+1 visible before n), as a slow runner's PUTs can.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { LocalRunStore } from '../functions/adapters/store/local-run-store';
import { putJson, type RunStore } from '../functions/adapters/store/run-store';
import { S3RunStore } from '../functions/adapters/store/s3-run-store';
import { type IntervalRecord, type Plan, runKeys, type Series } from '../functions/contracts';
import { emptyHistogram, observe } from '../functions/core/histogram/exp-histogram';
import { buildPlan } from '../functions/core/planner/build-plan';
import { watchTick } from '../functions/engine/watcher/watch-tick';
import { MOTO_CREDENTIALS, startMoto } from '../test/support/moto';
import { numericFlags } from './lib/cli-flags';
import { median } from './lib/stats';
import { printTable } from './lib/table';

const flags = numericFlags(
  'npx tsx bench/watcher-scale.ts [--ticks N] [--small N] [--large N]',
  { ticks: 8, small: 100, large: 1000 },
  {
    ticks: 'watch ticks per case (one interval record per runner per tick)',
    small: 'runners of the small case',
    large: 'runners of the large case',
  },
);

const REGIONS = ['eu-west-1', 'us-east-1'];

/** Counts what the watcher's S3 client sends and receives (each attempt, retries too). */
interface Traffic {
  requests: number;
  bytesIn: number;
  bytesOut: number;
  byCommand: Record<string, number>;
}
const newTraffic = (): Traffic => ({ requests: 0, bytesIn: 0, bytesOut: 0, byCommand: {} });

function countTraffic(s3: S3Client, t: () => Traffic): void {
  s3.middlewareStack.add(
    (next, ctx) => async (args) => {
      const cur = t();
      cur.requests++;
      cur.byCommand[ctx.commandName ?? '?'] = (cur.byCommand[ctx.commandName ?? '?'] ?? 0) + 1;
      const body = (args.request as { body?: unknown }).body;
      if (typeof body === 'string') cur.bytesOut += Buffer.byteLength(body);
      else if (body instanceof Uint8Array) cur.bytesOut += body.byteLength;
      const out = await next(args);
      const headers = (out.response as { headers?: Record<string, string> }).headers ?? {};
      cur.bytesIn += Number(headers['content-length'] ?? 0);
      return out;
    },
    { step: 'deserialize', name: 'benchTraffic' },
  );
}

function makePlan(runners: number): Plan {
  const runnersPerRegion = Math.ceil(runners / REGIONS.length);
  return buildPlan(
    { script: { inline: 'x' }, regions: REGIONS.map((name) => ({ name, weight: 50 })), runnersPerRegion },
    {
      key: 'k',
      sha256: 's',
      hasSetup: false,
      hasTeardown: false,
      maxVUs: runnersPerRegion * REGIONS.length,
      totalDurationMs: 3_600_000,
      thresholds: {
        http_req_duration: [{ expr: 'p(95)<500', abortOnFail: false, delayAbortEvalMs: 0 }],
        http_req_failed: [{ expr: 'rate<0.01', abortOnFail: false, delayAbortEvalMs: 0 }],
      },
      summaryTrendStats: [],
    },
    { runId: `bench-${runners}`, now: 0, runnerLimitMs: null },
  );
}

/** A runner's interval: the series a plain HTTP test has, latencies in a real histogram. */
function record(plan: Plan, r: Plan['runners'][number], seq: number, endMs: number): IntervalRecord {
  const ms = plan.timing.intervalMs;
  let hist = emptyHistogram();
  let waiting = emptyHistogram();
  for (let i = 0; i < 200; i++) {
    const v = 20 + ((seq * 7919 + i * 104729) % 4000) / 40;
    hist = observe(hist, v);
    waiting = observe(waiting, v * 0.8);
  }
  const tags = { scenario: 'default', method: 'GET', status: '200' };
  const series: Series[] = [
    { metric: 'http_reqs', type: 'counter', contains: 'default', tags, value: 200 },
    { metric: 'iterations', type: 'counter', contains: 'default', tags: { scenario: 'default' }, value: 200 },
    { metric: 'data_received', type: 'counter', contains: 'data', tags: {}, value: 200 * 1200 },
    { metric: 'vus', type: 'gauge', contains: 'default', tags: {}, value: 10, min: 10, max: 10 },
    { metric: 'http_req_failed', type: 'rate', contains: 'default', tags, nonzero: 0, total: 200 },
    {
      metric: 'checks',
      type: 'rate',
      contains: 'default',
      tags: { scenario: 'default' },
      nonzero: 200,
      total: 200,
    },
    { metric: 'http_req_duration', type: 'trend', contains: 'time', tags, hist },
    { metric: 'http_req_waiting', type: 'trend', contains: 'time', tags, hist: waiting },
  ];
  return {
    v: 1,
    runId: plan.runId,
    region: r.region,
    runnerId: r.runnerId,
    seq,
    startMs: endMs - ms,
    endMs,
    series,
    process: { cpuPercent: 40, rssBytes: 90e6 },
  };
}

/**
 * What the runners write before tick `t`: seq t. A lagging runner's seqs 0, 3, 6, … land two
 * ticks late, so at ticks 1, 4, 7, … its seq n+1 is visible while seq n is not.
 */
async function writeRunnerOutput(writer: RunStore, plan: Plan, t: number, t0: number): Promise<void> {
  const keys = runKeys(plan.runId);
  const ms = plan.timing.intervalMs;
  const jobs: (() => Promise<void>)[] = [];
  plan.runners.forEach((r, i) => {
    const seqs =
      i % 10 !== 9 ? [t] : [...(t % 3 ? [t] : []), ...(t >= 2 && (t - 2) % 3 === 0 ? [t - 2] : [])];
    for (const seq of seqs) {
      const rec = record(plan, r, seq, t0 + (seq + 1) * ms);
      jobs.push(() => putJson(writer, keys.interval(r.region, r.runnerId, seq), rec));
    }
  });
  await pool(jobs, 64);
}

async function pool(jobs: (() => Promise<void>)[], n: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      for (let i = next++; i < jobs.length; i = next++) await jobs[i]!();
    }),
  );
}

interface CaseResult {
  runners: number;
  store: string;
  tickMs: number[];
  requests: number[];
  bytesIn: number[];
  bytesOut: number[];
  commands: Record<string, number>[];
  rssMiB: number;
  heapMiB: number;
}

async function runCase(
  runners: number,
  storeName: string,
  stores: { watcher: RunStore; writer: RunStore; traffic: () => Traffic; reset: () => void },
): Promise<CaseResult> {
  const plan = makePlan(runners);
  const keys = runKeys(plan.runId);
  await putJson(stores.writer, keys.plan, plan);
  await pool(
    plan.runners.map((r) => () => putJson(stores.writer, keys.ready(r.runnerId), { at: 0 })),
    64,
  );
  // Tick 0 passes the start barrier; then one interval per tick.
  let now = 1000;
  stores.reset();
  await watchTick(stores.watcher, plan.runId, { now });
  const t0 = now + plan.timing.startLeadMs;
  const res: CaseResult = {
    runners,
    store: storeName,
    tickMs: [],
    requests: [],
    bytesIn: [],
    bytesOut: [],
    commands: [],
    rssMiB: 0,
    heapMiB: 0,
  };
  for (let t = 0; t < flags.ticks; t++) {
    await writeRunnerOutput(stores.writer, plan, t, t0);
    now = t0 + (t + 1) * plan.timing.intervalMs + 500;
    stores.reset();
    const start = performance.now();
    const status = await watchTick(stores.watcher, plan.runId, { now });
    res.tickMs.push(performance.now() - start);
    const tr = stores.traffic();
    res.requests.push(tr.requests);
    res.bytesIn.push(tr.bytesIn);
    res.bytesOut.push(tr.bytesOut);
    res.commands.push({ ...tr.byCommand });
    const mem = process.memoryUsage();
    res.rssMiB = Math.max(res.rssMiB, mem.rss / 2 ** 20);
    res.heapMiB = Math.max(res.heapMiB, mem.heapUsed / 2 ** 20);
    if (status.abort) throw new Error(`the run aborted at tick ${t}: ${status.abort.reason}`);
  }
  return res;
}

const range = (xs: number[]) =>
  Math.min(...xs) === Math.max(...xs) ? `${xs[0]}` : `${Math.min(...xs)}–${Math.max(...xs)}`;
const kib = (b: number) => (b / 1024).toFixed(0);

async function main(): Promise<void> {
  const results: CaseResult[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'k6-fleet-watcher-scale-'));
  const moto = await startMoto();
  let traffic = newTraffic();
  const s3 = (count: boolean) => {
    const c = new S3Client({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: MOTO_CREDENTIALS,
    });
    if (count) countTraffic(c, () => traffic);
    return c;
  };
  const watcherS3 = s3(true);
  const writerS3 = s3(false);
  try {
    for (const runners of [flags.small, flags.large]) {
      const local = new LocalRunStore(join(dir, String(runners)));
      results.push(
        await runCase(runners, 'local', {
          watcher: local,
          writer: local,
          traffic: newTraffic,
          reset: () => {},
        }),
      );
      const bucket = `watcher-scale-${runners}`;
      await writerS3.send(new CreateBucketCommand({ Bucket: bucket }));
      results.push(
        await runCase(runners, 'moto S3', {
          watcher: new S3RunStore(watcherS3, bucket),
          writer: new S3RunStore(writerS3, bucket),
          traffic: () => traffic,
          reset: () => {
            traffic = newTraffic();
          },
        }),
      );
      process.stderr.write(`${runners} runners done\n`);
    }
  } finally {
    watcherS3.destroy();
    writerS3.destroy();
    await moto.stop();
    await rm(dir, { recursive: true, force: true });
  }
  printTable(
    `Watch tick, ${flags.ticks} ticks of a growing run (tick i reads interval i of every runner)`,
    [
      'runners',
      'store',
      'tick ms median',
      'tick ms max',
      'S3 requests/tick',
      'S3 KiB in/tick (first→last)',
      'S3 KiB out/tick',
      'RSS MiB',
      'heap MiB',
    ],
    results.map((r) => [
      String(r.runners),
      r.store,
      median(r.tickMs).toFixed(0),
      Math.max(...r.tickMs).toFixed(0),
      r.store === 'local' ? '–' : range(r.requests),
      r.store === 'local' ? '–' : `${kib(r.bytesIn[0]!)}→${kib(r.bytesIn.at(-1)!)}`,
      r.store === 'local' ? '–' : `${kib(median(r.bytesOut))}`,
      r.rssMiB.toFixed(0),
      r.heapMiB.toFixed(0),
    ]),
  );
  for (const r of results.filter((x) => x.store !== 'local')) {
    process.stdout.write(
      `${r.runners} runners, S3 requests by command, first and last tick: ${JSON.stringify(r.commands[0])} → ${JSON.stringify(r.commands.at(-1))}\n`,
    );
  }
}

await main();
