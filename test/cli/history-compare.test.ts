import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Summary } from '../../functions/contracts';
import { historyKey } from '../../functions/contracts';
import type { HistoryRecordV2 } from '../../functions/contracts/history-record';
import type { Comparison } from '../../functions/core/compare/compare-runs';
import { runCli } from '../support/cli';
import { useTarget } from '../support/target';

// 100 ms ± 10 with 2% errors (long enough that a loaded machine's own delays stay small beside it): same latency twice, then +50%, then the same latency at fewer VUs.
const latency = (meanMs: number) => ({ kind: 'normal' as const, meanMs, sdMs: meanMs / 10 });
const target = useTarget({ routes: { '/cmp/*': { latency: latency(100), errorRate: 0.02 } } });
let dir: string;
let script: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'k6-fleet-compare-'));
  script = join(dir, 'cmp.js');
  await writeFile(
    script,
    `import http from 'k6/http';
import { check } from 'k6';
export const options = {
  scenarios: { s: { executor: 'constant-vus', vus: Number(__ENV.VUS), duration: '9s' } },
  thresholds: { 'http_req_duration{expected_response:true}': ['p(95)<5000'] },
};
export default function () { const r = http.get(__ENV.TARGET + '/cmp/x'); check(r, { 'answered': (x) => x.status > 0 }); }
`,
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const out = () => join(dir, 'store');
async function run(vus: number): Promise<Summary> {
  const summaryFile = join(dir, `summary-${Date.now()}.json`);
  const res = await runCli([
    'run',
    script,
    '-e',
    `TARGET=${target().url}`,
    '-e',
    `VUS=${vus}`,
    '--test-name',
    'cmp',
    '--out-dir',
    out(),
    '--interval',
    '1',
    '-q',
    '--summary-export',
    summaryFile,
    '--region',
    'a=50',
    '--region',
    'b=50',
    '--runners-per-region',
    '1',
  ]);
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(await readFile(summaryFile, 'utf8')) as Summary;
}
async function compare(
  a: string,
  b: string,
): Promise<{ code: number | null; c: Comparison; stdout: string }> {
  const json = join(dir, `cmp-${a}-${b}.json`);
  const res = await runCli(['compare', a, b, '--out-dir', out(), '--json', json]);
  expect(res.stderr).toBe('');
  return { code: res.code, c: JSON.parse(await readFile(json, 'utf8')) as Comparison, stdout: res.stdout };
}
const rows = (c: Comparison, metric: string, region = '*') =>
  c.metrics.filter((r) => r.metric === metric && r.region === region && !r.scenario);

describe('history and compare on real k6 runs', () => {
  const runs: Summary[] = [];

  it('two runs at the same latency: exit 0, verdict not fail', async () => {
    runs.push(await run(8));
    runs.push(await run(8));
    const { code, c, stdout } = await compare(runs[0]!.runId, runs[1]!.runId);
    expect(c.verdict, stdout).not.toBe('fail');
    expect(code).toBe(0);
    expect(rows(c, 'http_req_duration').map((r) => r.stat)).toEqual(['med', 'p(90)', 'p(95)', 'p(99)']);
    // Per region and the threshold's submetric are compared too.
    expect(rows(c, 'http_req_duration', 'a')).toHaveLength(4);
    expect(c.metrics.some((r) => r.metric === 'http_req_duration{expected_response:true}')).toBe(true);
    const rec = JSON.parse(
      await readFile(join(out(), historyKey('cmp', runs[1]!.runId)), 'utf8'),
    ) as HistoryRecordV2;
    expect(rec.v).toBe(2);
    expect(rec.timeline.elapsedMs.length).toBeGreaterThanOrEqual(7);
    expect(Object.keys(rec.metrics.http_req_duration!.regions).sort()).toEqual(['a', 'b']);
  });

  it('a run at +50% latency: exit 99, the http_req_duration rows fail, the error-rate rows do not', async () => {
    target().patchRoute('/cmp/*', { latency: latency(150) });
    runs.push(await run(8));
    target().patchRoute('/cmp/*', { latency: latency(100) });
    const { code, c, stdout } = await compare(runs[1]!.runId, runs[2]!.runId);
    expect(code, stdout).toBe(99);
    expect(c.verdict).toBe('fail');
    for (const r of rows(c, 'http_req_duration')) {
      expect(r.classification, `${r.stat}`).toBe('fail');
      expect(r.changePct!).toBeGreaterThan(20);
    }
    for (const r of c.metrics.filter((x) => x.metric === 'http_req_failed'))
      expect(r.classification).not.toBe('fail');
    expect(stdout).toContain('verdict: FAIL');
  });

  it('a throughput drop at the same latency is classed by the direction rules', async () => {
    runs.push(await run(3));
    const { code, c, stdout } = await compare(runs[1]!.runId, runs[3]!.runId);
    expect(code, stdout).toBe(99);
    const reqs = rows(c, 'http_reqs')[0]!;
    expect(reqs.changePct!).toBeLessThan(-40);
    expect(reqs.classification, JSON.stringify(reqs)).toBe('fail'); // fewer requests per second is worse
    expect(rows(c, 'iterations')[0]!.classification).toBe('fail');
    // The reverse comparison is a throughput rise: not a regression for http_reqs.
    const back = await compare(runs[3]!.runId, runs[1]!.runId);
    expect(rows(back.c, 'http_reqs')[0]!.classification).toBe('pass');
    // Latency did not change: no latency row fails.
    for (const r of rows(c, 'http_req_duration')) expect(r.classification).not.toBe('fail');
  });

  it('history lists the runs with the numbers of each summary.json', async () => {
    const json = join(dir, 'history.json');
    const res = await runCli(['history', 'cmp', '--out-dir', out(), '--json', json, '--regions']);
    expect(res.code, res.stderr).toBe(0);
    const h = JSON.parse(await readFile(json, 'utf8')) as {
      testName: string;
      runs: Array<{ runId: string; verdict: string; headline: Record<string, number | null> }>;
      changePoints: unknown[];
    };
    expect(h.testName).toBe('cmp');
    expect(h.runs.map((r) => r.runId)).toEqual(runs.map((s) => s.runId));
    h.runs.forEach((r, i) => {
      const s = runs[i]!;
      expect(r.verdict).toBe(s.fleet.verdict);
      expect(r.headline.requests).toBe(s.metrics.http_reqs!.values.count);
      expect(r.headline.rps).toBe(s.metrics.http_reqs!.values.rate);
      expect(r.headline.p50).toBe(s.metrics.http_req_duration!.values.med);
      expect(r.headline.p90).toBe(s.metrics.http_req_duration!.values['p(90)']);
      expect(r.headline.p95).toBe(s.metrics.http_req_duration!.values['p(95)']);
      expect(r.headline.errorRate).toBe(s.metrics.http_req_failed!.values.rate);
      expect(res.stdout).toContain(s.runId);
    });
    expect(Array.isArray(h.changePoints)).toBe(true);
    const last2 = await runCli(['history', 'cmp', '--out-dir', out(), '--last', '2']);
    expect(last2.stdout).toContain('last 2 of 4 runs');
    expect(last2.stdout).not.toContain(runs[0]!.runId);
  });

  it('bad input: unknown run id, a run of another test, an unknown test → a clear message and 104', async () => {
    const unknown = await runCli(['compare', runs[0]!.runId, '20990101T000000-abcdef', '--out-dir', out()]);
    expect(unknown.code).toBe(104);
    expect(unknown.stderr).toContain('unknown run id 20990101T000000-abcdef');
    expect(unknown.stderr).not.toContain('    at ');
    const same = await runCli(['compare', runs[0]!.runId, runs[0]!.runId, '--out-dir', out()]);
    expect(same.code).toBe(104);
    const none = await runCli(['history', 'nope', '--out-dir', out()]);
    expect(none.code).toBe(104);
    expect(none.stderr).toContain('no history for test "nope"');
  });

  it('baseline marks a run; compare baseline|previous resolve to it', async () => {
    const mark = await runCli(['baseline', runs[0]!.runId, '--out-dir', out()]);
    expect(mark.code, mark.stderr).toBe(0);
    const { c } = await compare('baseline', runs[1]!.runId);
    expect(c.baselineRunId).toBe(runs[0]!.runId);
    const prev = await compare('previous', runs[2]!.runId);
    expect(prev.c.baselineRunId).toBe(runs[3]!.runId);
  });
});
