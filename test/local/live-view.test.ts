import { describe, expect, it } from 'vitest';
import type { LiveStats, RunStatus } from '../../functions/contracts';
import { planAnnouncement, renderLiveView } from '../../functions/entrypoints/local/live-view';

const stats = (s: Partial<LiveStats>): LiveStats => ({
  rps: 0,
  vus: 0,
  errorRate: null,
  p50: null,
  p90: null,
  p95: null,
  p99: null,
  requests: 0,
  iterations: 0,
  dataSent: 0,
  dataReceived: 0,
  checksRate: null,
  ...s,
});

const status = (s: Partial<RunStatus> = {}): RunStatus => ({
  v: 1,
  runId: '20261203T120000-abc123',
  testName: 'checkout',
  phase: 'running',
  updatedAt: 1_700_000_030_000,
  startAt: 1_700_000_000_000,
  elapsedMs: 30_000,
  plannedDurationMs: 60_000,
  current: {
    t: 1_700_000_030_000,
    elapsedMs: 30_000,
    global: stats({ rps: 300.25, p95: 1250, errorRate: 0.01, vus: 30 }),
    regions: {
      'eu-west-1': stats({ rps: 120.5, p95: 48.2, errorRate: 0.015, vus: 10 }),
      'us-east-1': stats({ rps: 179.75, p95: 1250, errorRate: 0, vus: 20 }),
    },
  },
  thresholds: [],
  runners: [
    { runnerId: 'eu-west-1-0', region: 'eu-west-1', state: 'running', lastSeq: 5 },
    { runnerId: 'us-east-1-0', region: 'us-east-1', state: 'running', lastSeq: 5 },
    { runnerId: 'us-east-1-1', region: 'us-east-1', state: 'missing', lastSeq: 2 },
  ],
  ...s,
});

const lineOf = (view: string, start: string) => view.split('\n').find((l) => l.trimStart().startsWith(start));

describe('live view rendering', () => {
  it('shows one row per region and one for the fleet: requests/s, p95, error rate, VUs', () => {
    // Act
    const view = renderLiveView(status(), ['eu-west-1', 'us-east-1', 'ap-south-1'], false);
    // Assess
    expect(view.includes('\u001b[')).toBe(false); // no colour when asked for none
    expect(view.split('\n')[0]).toBe('k6-fleet checkout 20261203T120000-abc123  running');
    expect(lineOf(view, 'eu-west-1')).toMatch(
      /^ {2}eu-west-1 +120\.5 req\/s {2}p95 +48\.2ms {2}err +1\.50% {2}VUs +10$/,
    );
    // p95 from a second on is shown in seconds.
    expect(lineOf(view, 'us-east-1')).toMatch(
      /^ {2}us-east-1 +179\.8 req\/s {2}p95 +1\.25s {2}err +0\.00% {2}VUs +20$/,
    );
    expect(lineOf(view, 'fleet')).toMatch(
      /^ {2}fleet +300\.3 req\/s {2}p95 +1\.25s {2}err +1\.00% {2}VUs +30$/,
    );
    // A region without a window yet says so instead of showing zeros.
    expect(lineOf(view, 'ap-south-1')).toBe(`  ${'ap-south-1'.padEnd(18)} waiting for data`);
    // The columns line up across rows.
    const rows = ['eu-west-1', 'us-east-1', 'fleet'].map((r) => lineOf(view, r)!);
    for (const col of ['req/s', 'p95', 'err', 'VUs']) {
      expect(new Set(rows.map((l) => l.indexOf(col))).size).toBe(1);
    }
    expect(lineOf(view, 'runners:')).toBe('  runners: 2 running, 1 missing');
  });

  it('shows an unknown error rate as a dash, not as 0 %', () => {
    // Act
    const view = renderLiveView(
      status({ current: { t: 0, elapsedMs: 0, global: stats({ rps: 5, p95: 3 }), regions: {} } }),
      [],
      false,
    );
    // Assess
    expect(lineOf(view, 'fleet')).toMatch(/p95 +3\.0ms {2}err +— {2}VUs +0$/);
  });

  it('draws the progress bar to the planned end at known elapsed times', () => {
    // Act
    const at = (elapsedMs: number, plannedDurationMs = 60_000) =>
      renderLiveView(status({ elapsedMs, plannedDurationMs }), [], false).split('\n')[1];
    // Assess
    expect(at(0)).toBe(`  [${' '.repeat(30)}] 0s / 60s (planned max)`);
    expect(at(30_000)).toBe(`  [${'='.repeat(14)}>${' '.repeat(15)}] 30s / 60s (planned max)`);
    expect(at(15_000)).toBe(`  [${'='.repeat(7)}>${' '.repeat(22)}] 15s / 60s (planned max)`);
    expect(at(60_000)).toBe(`  [${'='.repeat(29)}>] 60s / 60s (planned max)`);
    // Past the planned end (graceful stops) the bar stays full while the time keeps counting.
    expect(at(75_000)).toBe(`  [${'='.repeat(29)}>] 75s / 60s (planned max)`);
  });

  it('lists failing thresholds by metric and expression, and counts the passing ones', () => {
    // Prepare
    const thresholds: RunStatus['thresholds'] = [
      { metric: 'http_req_failed', expr: 'rate<0.01', ok: true, abortOnFail: false, value: 0.001 },
      { metric: 'http_req_duration', expr: 'p(95)<200', ok: false, abortOnFail: true, value: 1250 },
      { metric: 'checks', expr: 'rate>0.99', ok: false, abortOnFail: false, value: 0.9 },
    ];
    // Act
    const failing = renderLiveView(status({ thresholds }), [], false);
    const passing = renderLiveView(status({ thresholds: [thresholds[0]!] }), [], false);
    const none = renderLiveView(status(), [], false);
    // Assess
    expect(lineOf(failing, 'thresholds:')).toBe(
      '  thresholds: 1/3 ok — failing: http_req_duration p(95)<200, checks rate>0.99',
    );
    expect(lineOf(passing, 'thresholds:')).toBe('  thresholds: 1/1 ok');
    expect(lineOf(none, 'thresholds:')).toBeUndefined();
  });

  it('shows how many anomalies were found with the latest one, and why the run is aborting', () => {
    // Prepare
    const anomalies: RunStatus['anomalies'] = [
      { at: 1, kind: 'error-spike', region: 'eu-west-1', message: 'error rate 12.0% in eu-west-1' },
      { at: 2, kind: 'latency-jump', message: 'p95 latency 61.2 ms, over twice its baseline of 20.1 ms' },
    ];
    const abort = { source: 'threshold' as const, reason: 'threshold "p(95)<200" crossed', at: 3 };
    // Act
    const view = renderLiveView(status({ anomalies, abort, phase: 'finishing' }), [], false);
    const calm = renderLiveView(status({ anomalies: [] }), [], false);
    // Assess
    expect(lineOf(view, 'anomalies:')).toBe(
      '  anomalies: 2, latest: p95 latency 61.2 ms, over twice its baseline of 20.1 ms',
    );
    expect(lineOf(view, 'aborting:')).toBe('  aborting: threshold "p(95)<200" crossed');
    expect(view.split('\n')[0]).toMatch(/ finishing$/);
    expect(lineOf(calm, 'anomalies:')).toBeUndefined();
    expect(lineOf(calm, 'aborting:')).toBeUndefined();
  });

  it('announces a plan with its runners per region and the VUs at most', () => {
    // Act
    const line = planAnnouncement({
      runId: 'r1',
      regions: [
        { name: 'eu-west-1', weight: 60, runners: 2 },
        { name: 'us-east-1', weight: 40, runners: 1 },
      ],
      runners: [{}, {}, {}],
      requirements: { maxVUs: 50, totalDurationMs: 1000 },
    } as never);
    // Assess
    expect(line).toBe('run r1 — 3 runners in eu-west-1 (60%, 2), us-east-1 (40%, 1); max 50 VUs');
  });
});
