import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeHistory } from '../../functions/adapters/store/history-store';
import { LocalRunStore } from '../../functions/adapters/store/local-run-store';
import { putJson } from '../../functions/adapters/store/run-store';
import { historyKey, runKeys } from '../../functions/contracts';
import type { Comparison } from '../../functions/core/compare/compare-runs';
import type { HistoryView } from '../../functions/core/history/history-view';
import { baselineCommand } from '../../functions/entrypoints/cli/baseline-command';
import { compareCommand } from '../../functions/entrypoints/cli/compare-command';
import { historyCommand } from '../../functions/entrypoints/cli/history-command';
import { syntheticHistory } from '../support/history-records';
import { STACK, type StackWorld, startStackWorld, textSink } from './stack-support';

let dir: string;
let world: StackWorld;
// 32 runs; from run 20 on the median latency is 30% higher.
const history = syntheticHistory(32, 20, 1.3);
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'k6-fleet-history-'));
  world = await startStackWorld();
  vi.stubEnv('K6_FLEET_S3_ENDPOINT', world.moto.endpoint);
  const local = new LocalRunStore(join(dir, 'store'));
  for (const r of history) {
    await writeHistory(local, r);
    await writeHistory(world.store, r);
  }
}, 60_000);
afterAll(async () => {
  await world?.stop();
  await rm(dir, { recursive: true, force: true });
});

const where = (kind: 'local' | 'stack') =>
  kind === 'local' ? { outDir: join(dir, 'store') } : { stack: STACK.name, stackRegion: STACK.region };

describe.each(['local', 'stack'] as const)('history and compare (%s)', (kind) => {
  it('32 synthetic runs with one planted shift: the change point is at run 20', async () => {
    const json = join(dir, `h-${kind}.json`);
    const out = textSink();
    const code = await historyCommand('synthetic', { ...where(kind), json }, { stdout: out, stderr: out });
    expect(code, out.text()).toBe(0);
    const h = JSON.parse(await readFile(json, 'utf8')) as HistoryView & { total: number };
    expect(h.runs).toHaveLength(32);
    expect(h.runs.map((r) => r.runId)).toEqual(history.map((r) => r.runId));
    const latency = h.changePoints.filter(
      (c) => c.metric === 'p50' || c.metric === 'p95' || c.metric === 'p99',
    );
    expect(latency.length).toBeGreaterThan(0);
    for (const c of latency) {
      expect(c.index).toBe(20);
      expect(c.runId).toBe(history[20]!.runId);
    }
    expect(h.changePoints.filter((c) => c.metric === 'p50')[0]!.relChange).toBeGreaterThan(0.2);
    expect(out.text()).toContain('◀ change: p50 +');
    expect(out.text()).toMatch(/p95 +[▁▂▃▄▅▆▇█]+│[▁▂▃▄▅▆▇█]+/);
  });

  it('pages back through the index: --last and --skip', async () => {
    const json = join(dir, `p-${kind}.json`);
    const out = textSink();
    expect(
      await historyCommand('synthetic', { ...where(kind), last: 10, skip: 5, json }, { stdout: out }),
    ).toBe(0);
    const h = JSON.parse(await readFile(json, 'utf8')) as HistoryView & { total: number };
    expect(h.runs.map((r) => r.runId)).toEqual(history.slice(17, 27).map((r) => r.runId));
    expect(h.total).toBe(32);
    expect(out.text()).toContain('last 10 of 32 runs');
  });

  it('compare: before vs after the shift fails (99), two runs before it pass (0)', async () => {
    const json = join(dir, `c-${kind}.json`);
    const out = textSink();
    const code = await compareCommand(
      history[10]!.runId,
      history[25]!.runId,
      { ...where(kind), json },
      { stdout: out },
    );
    expect(code, out.text()).toBe(99);
    const c = JSON.parse(await readFile(json, 'utf8')) as Comparison;
    expect(c.verdict).toBe('fail');
    const med = c.metrics.find(
      (r) => r.metric === 'http_req_duration' && r.stat === 'med' && r.region === '*',
    )!;
    expect(med.classification).toBe('fail');
    expect(med.changePct!).toBeGreaterThan(20);
    for (const key of [
      'metric',
      'stat',
      'region',
      'baseline',
      'current',
      'changePct',
      'pValue',
      'classification',
    ])
      expect(med).toHaveProperty(key);
    const same = await compareCommand(history[3]!.runId, history[8]!.runId, where(kind), {
      stdout: textSink(),
    });
    expect(same).toBe(0);
  });

  it('baseline marks a run; an unknown run, a v1 record and a running run are refused with 104', async () => {
    const err = textSink();
    expect(await baselineCommand(history[2]!.runId, where(kind), { stdout: err, stderr: err })).toBe(0);
    expect(await compareCommand('baseline', history[4]!.runId, where(kind), { stdout: textSink() })).toBe(0);
    const store = kind === 'local' ? new LocalRunStore(join(dir, 'store')) : world.store;
    const e1 = textSink();
    expect(await compareCommand(history[0]!.runId, 'nope-run', where(kind), { stderr: e1 })).toBe(104);
    expect(e1.text()).toContain('unknown run id nope-run');
    // A v1 line as the finalizer wrote before v2 (no `v` field).
    await putJson(store, historyKey('synthetic', '20250101T000000-old001'), {
      runId: '20250101T000000-old001',
      testName: 'synthetic',
      startAt: Date.UTC(2025, 0, 1),
      durationMs: 10_000,
      verdict: 'passed',
      exitCode: 0,
      requests: 800,
      rps: 80,
      p95: 70,
      errorRate: 0.01,
      regions: ['a', 'b'],
      lastWindowRps: 80,
    });
    await putJson(store, runKeys('20250101T000000-old001').summary, { testName: 'synthetic' });
    const e2 = textSink();
    expect(
      await compareCommand('20250101T000000-old001', history[1]!.runId, where(kind), { stderr: e2 }),
    ).toBe(104);
    expect(e2.text()).toContain('version 1 history record');
    // history still lists the v1 run, oldest first.
    const json = join(dir, `v1-${kind}.json`);
    expect(await historyCommand('synthetic', { ...where(kind), json }, { stdout: textSink() })).toBe(0);
    const h = JSON.parse(await readFile(json, 'utf8')) as HistoryView;
    expect(h.runs[0]!.runId).toBe('20250101T000000-old001');
    expect(h.runs[0]!.headline.p95).toBe(70);
    // A run still running has no record yet.
    await putJson(store, runKeys('20261201T000000-run001').status, {
      v: 1,
      runId: '20261201T000000-run001',
      testName: 'synthetic',
      phase: 'running',
      updatedAt: 0,
      elapsedMs: 0,
      plannedDurationMs: 1,
      thresholds: [],
      runners: [],
    });
    const e3 = textSink();
    expect(
      await compareCommand(history[1]!.runId, '20261201T000000-run001', where(kind), { stderr: e3 }),
    ).toBe(104);
    expect(e3.text()).toContain('still running');
  });

  it('runs of different tests: 104 saying which, unless --force', async () => {
    const store = kind === 'local' ? new LocalRunStore(join(dir, 'store')) : world.store;
    const other = { ...history[5]!, runId: '20261202T000000-oth001', testName: 'other' };
    await writeHistory(store, other);
    const e = textSink();
    expect(await compareCommand(other.runId, history[6]!.runId, where(kind), { stderr: e })).toBe(104);
    expect(e.text()).toContain(
      `run ${other.runId} is test "other" and run ${history[6]!.runId} is test "synthetic" (use --force to compare different tests)`,
    );
    expect(e.text()).not.toContain('    at ');
    const forced = await compareCommand(
      other.runId,
      history[6]!.runId,
      { ...where(kind), force: true },
      {
        stdout: textSink(),
      },
    );
    expect(forced).toBe(0);
  });
});
