import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyKey, type Summary } from '../../functions/contracts';
import { runCli } from '../support/cli';
import { useTarget } from '../support/target';

// `k6-fleet run --baseline`: short real k6 runs (7 one-second windows, enough for the per-window test).
const latency = (meanMs: number) => ({ kind: 'normal' as const, meanMs, sdMs: meanMs / 10 });
const target = useTarget({ routes: { '/base/*': { latency: latency(100), errorRate: 0.02 } } });
let dir: string;
let script: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'k6-fleet-run-baseline-'));
  script = join(dir, 'base.js');
  await writeFile(
    script,
    `import http from 'k6/http';
export const options = { scenarios: { s: { executor: 'constant-vus', vus: 6, duration: '7s' } } };
export default function () { http.get(__ENV.TARGET + '/base/x'); }
`,
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const out = () => join(dir, 'store');
async function run(...extra: string[]) {
  const summaryFile = join(dir, `summary-${Date.now()}.json`);
  const res = await runCli([
    'run',
    script,
    '-e',
    `TARGET=${target().url}`,
    '--test-name',
    'base',
    '--out-dir',
    out(),
    '--interval',
    '1',
    '-q',
    '--summary-export',
    summaryFile,
    ...extra,
  ]);
  const summary = res.code === 104 ? undefined : (JSON.parse(await readFile(summaryFile, 'utf8')) as Summary);
  return { ...res, summary };
}
const runDirs = async () => (await readdir(join(out(), 'runs')).catch(() => [])).length;
const rowsOf = (s: Summary | undefined, metric: string) =>
  (s?.fleet.comparison?.metrics ?? []).filter((r) => r.metric === metric && r.region === '*' && !r.scenario);

describe('k6-fleet run --baseline', () => {
  let first: Summary;

  it('refuses a baseline that cannot be compared with, before any load (exit 104)', async () => {
    const none = await run('--baseline', 'previous');
    expect(none.code).toBe(104);
    expect(none.stderr).toContain('--baseline previous: test "base" has no earlier run');
    const unknown = await run('--baseline', '20260101T000000-abcdef');
    expect(unknown.code).toBe(104);
    expect(unknown.stderr).toContain('unknown run id 20260101T000000-abcdef');
    const unmarked = await run('--baseline', 'baseline');
    expect(unmarked.code).toBe(104);
    expect(unmarked.stderr).toContain('has no baseline: mark one with k6-fleet baseline <runId>');
    const alone = await run('--fail-on-regression');
    expect(alone.code).toBe(104);
    expect(alone.stderr).toContain('--fail-on-regression needs --baseline');
    expect(await runDirs()).toBe(0); // nothing started
  });

  it('same latency as the previous run: the comparison in summary.json, the text summary and the report; exit 0', async () => {
    const a = await run();
    expect(a.code, a.stderr).toBe(0);
    first = a.summary!;
    expect(first.fleet.comparison).toBeUndefined();
    const b = await run('--baseline', 'previous', '--fail-on-regression');
    expect(b.code, b.stdout).toBe(0);
    const cmp = b.summary!.fleet.comparison!;
    expect(cmp.baselineRunId).toBe(first.runId);
    expect(cmp.ref).toBe('previous');
    expect(cmp.verdict).not.toBe('fail');
    expect(rowsOf(b.summary, 'http_req_duration').map((r) => r.stat)).toEqual([
      'med',
      'p(90)',
      'p(95)',
      'p(99)',
    ]);
    expect(b.stdout).toContain('BASELINE');
    expect(b.stdout).toContain(`baseline ${first.runId} → ${b.summary!.runId}`);
    const html = await readFile(join(out(), 'runs', b.summary!.runId, 'report.html'), 'utf8');
    expect(html).toContain('<h2>Baseline</h2>');
    expect(html).toContain('Regression table');
    const data = JSON.parse(html.match(/id="report-data">([^<]*)<\/script>/)![1]!) as {
      charts: Array<{ id: string; x: number[]; series: Array<{ label: string; values: (number | null)[] }> }>;
    };
    const overlay = data.charts.find((c) => c.id === 'baseline-latency')!;
    expect(overlay.series.map((s) => s.label)).toEqual([
      `this run ${b.summary!.runId}`,
      `baseline ${first.runId}`,
    ]);
    // The baseline's p95 lines up by elapsed time: a value in most of this run's windows, near 100 ms.
    const base = overlay.series[1]!.values.filter((v): v is number => v !== null);
    expect(base.length).toBeGreaterThanOrEqual(overlay.x.length - 2);
    for (const v of base) expect(v).toBeGreaterThan(90);
  });

  it('+50% latency against a run id with --fail-on-regression: verdict fail, exit 99', async () => {
    target().patchRoute('/base/*', { latency: latency(150) });
    const c = await run('--baseline', first.runId, '--fail-on-regression');
    target().patchRoute('/base/*', { latency: latency(100) });
    expect(c.code, c.stdout).toBe(99);
    const cmp = c.summary!.fleet.comparison!;
    expect(cmp.verdict).toBe('fail');
    expect(c.summary!.fleet.verdict).toBe('passed'); // thresholds passed: the regression alone made it 99
    expect(c.summary!.fleet.exitCode).toBe(99);
    // Seven windows a run on a loaded machine: the median's shift is the one sure to fail.
    const med = rowsOf(c.summary, 'http_req_duration').find((r) => r.stat === 'med')!;
    expect(med.classification, JSON.stringify(med)).toBe('fail');
    expect(med.changePct!).toBeGreaterThan(25);
    for (const r of rowsOf(c.summary, 'http_req_failed')) expect(r.classification).not.toBe('fail');
    expect(c.stdout).toContain('--fail-on-regression: exit code 99');
    // The report shows the test's history with this run last.
    const html = await readFile(join(out(), 'runs', c.summary!.runId, 'report.html'), 'utf8');
    expect(html).toContain('<h2>History</h2>');
    expect(html).toContain('3 runs, oldest first');
    // The history record keeps the exit code the run ended with.
    const hist = await runCli(['history', 'base', '--out-dir', out(), '--json', join(dir, 'h.json')]);
    expect(hist.code, hist.stderr).toBe(0);
    const h = JSON.parse(await readFile(join(dir, 'h.json'), 'utf8')) as { runs: Array<{ runId: string }> };
    expect(h.runs.map((r) => r.runId).at(-1)).toBe(c.summary!.runId);
    const rec = JSON.parse(await readFile(join(out(), historyKey('base', c.summary!.runId)), 'utf8')) as {
      exitCode: number;
    };
    expect(rec.exitCode).toBe(99);
  });

  it('a baseline of another test is refused (exit 104)', async () => {
    const other = await runCli([
      'run',
      script,
      '-e',
      `TARGET=${target().url}`,
      '--test-name',
      'other',
      '--out-dir',
      out(),
      '-q',
      '--baseline',
      first.runId,
    ]);
    expect(other.code).toBe(104);
    expect(other.stderr).toContain(`baseline run ${first.runId} is test "base", this run is test "other"`);
  });
});
