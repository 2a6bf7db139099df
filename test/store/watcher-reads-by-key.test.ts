import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalRunStore } from '../../functions/adapters/store/local-run-store';
import { putJson, type RunStore } from '../../functions/adapters/store/run-store';
import { S3RunStore } from '../../functions/adapters/store/s3-run-store';
import { type IntervalRecord, type Plan, runKeys } from '../../functions/contracts';
import { initialWatchState } from '../../functions/contracts/watch-state';
import { emptyHistogram, observe } from '../../functions/core/histogram/exp-histogram';
import { buildPlan } from '../../functions/core/planner/build-plan';
import { collectIntervals } from '../../functions/engine/watcher/collect-runner-output';
import { MOTO_CREDENTIALS, type Moto, startMoto } from '../support/moto';

// The watcher reads each runner's intervals by their next key: no listing, so its S3
// requests per tick stay flat over a run, and a late record (seq n+1 there before n)
// is neither skipped nor read twice.

let moto: Moto;
let s3: S3Client;
let dir: string;
let n = 0;
const commands: string[] = [];

beforeAll(async () => {
  moto = await startMoto();
  s3 = new S3Client({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: MOTO_CREDENTIALS,
  });
  s3.middlewareStack.add(
    (next, ctx) => (args) => {
      commands.push(ctx.commandName ?? '?');
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
  dir = await mkdtemp(join(tmpdir(), 'k6-fleet-watch-read-'));
});
afterAll(async () => {
  s3?.destroy();
  await moto?.stop();
  await rm(dir, { recursive: true, force: true });
});

const INTERVAL = 1000;
const plan: Plan = buildPlan(
  { script: { inline: 'x' }, regions: [{ name: 'eu-west-1', weight: 100 }], runnersPerRegion: 2 },
  {
    key: 'k',
    sha256: 's',
    hasSetup: false,
    hasTeardown: false,
    maxVUs: 2,
    totalDurationMs: 60_000,
    thresholds: {},
    summaryTrendStats: [],
  },
  { runId: 'watch-read', now: 0, runnerLimitMs: null },
);

function rec(runner: Plan['runners'][number], seq: number): IntervalRecord {
  const hist = observe(observe(emptyHistogram(), 12 + seq), 30);
  return {
    v: 1,
    runId: plan.runId,
    region: runner.region,
    runnerId: runner.runnerId,
    seq,
    startMs: seq * INTERVAL,
    endMs: (seq + 1) * INTERVAL,
    series: [{ metric: 'http_req_duration', type: 'trend', contains: 'time', tags: {}, hist }],
  };
}

const stores: [string, () => Promise<RunStore>][] = [
  ['a local folder', async () => new LocalRunStore(join(dir, `s${++n}`))],
  [
    'S3 on moto',
    async () => {
      const bucket = `k6-fleet-watch-read-${++n}`;
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      return new S3RunStore(s3, bucket);
    },
  ],
];

describe.each(stores)('the watcher reads intervals by key, on %s', (_name, newStore) => {
  it('reads each seq once and in order when seq n+1 lands before seq n', async () => {
    // Prepare: runner a wrote 0 and 2 (1 is late); runner b wrote 0, 1.
    const store = await newStore();
    const [a, b] = plan.runners as [Plan['runners'][number], Plan['runners'][number]];
    const keys = runKeys(plan.runId);
    const put = (r: typeof a, seq: number) =>
      putJson(store, keys.interval(r.region, r.runnerId, seq), rec(r, seq));
    await Promise.all([put(a, 0), put(a, 2), put(b, 0), put(b, 1)]);
    const state = initialWatchState();
    const seen = (recs: IntervalRecord[]) =>
      recs.map((r) => `${r.runnerId === a.runnerId ? 'a' : 'b'}${r.seq}`);

    // Act + Assess: tick at 5 s (every record written is old enough to have a successor).
    expect(seen(await collectIntervals(store, plan, state, 5000)).sort()).toEqual(['a0', 'b0', 'b1']);
    expect(state.nextSeq).toEqual({ [a.runnerId]: 1, [b.runnerId]: 2 });
    // Nothing new: seq 2 of a is not read past the gap.
    expect(await collectIntervals(store, plan, state, 6000)).toEqual([]);
    await put(a, 1);
    expect(seen(await collectIntervals(store, plan, state, 7000))).toEqual(['a1', 'a2']);
    expect(state.nextSeq[a.runnerId]).toBe(3);
    expect(await collectIntervals(store, plan, state, 8000)).toEqual([]);
  });
});

it('on S3 the watcher costs one GET per runner in step with the ticks, whatever the run length', async () => {
  // Prepare: 40 intervals already read; each tick one new record per runner, just written.
  const store = await stores[1]![1]();
  const keys = runKeys(plan.runId);
  const state = initialWatchState();
  for (const r of plan.runners) state.nextSeq[r.runnerId] = 40;
  const perTick: string[][] = [];
  for (let seq = 40; seq < 43; seq++) {
    await Promise.all(
      plan.runners.map((r) => putJson(store, keys.interval(r.region, r.runnerId, seq), rec(r, seq))),
    );
    commands.length = 0;
    // Act: the tick comes just after the interval closes (as the controller's ticks do).
    const got = await collectIntervals(store, plan, state, (seq + 1) * INTERVAL + 50);
    perTick.push([...commands]);
    expect(got.map((x) => x.seq)).toEqual([seq, seq]);
  }
  // Assess: no listing, and the same 2 GETs (one per runner) every tick.
  expect(perTick).toEqual(Array.from({ length: 3 }, () => ['GetObjectCommand', 'GetObjectCommand']));
});
