import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboards } from '../../functions/adapters/grafana/dashboard-set';
import { createSink } from '../../functions/adapters/sinks/create-sink';
import { startTargetServer, type TargetServer } from '../../target/server';
import { cleanup, type FleetRun, runFleet } from '../support/fleet';
import { type PrometheusServer, type PromQueryResult, startPrometheus } from '../support/prometheus';
import { type FoundQuery, metricsQueries } from './dashboard-queries';

/**
 * Every PromQL query of the generated dashboards, run by a real Prometheus on a real fleet
 * run (2 regions × 2 runners, real k6) streamed by the Prometheus sink: each must parse and
 * return data (a misspelt metric or label returns nothing).
 */
let target: TargetServer;
let prom: PrometheusServer;
let run: FleetRun | undefined;
let from = 0;
let to = 0;

beforeAll(async () => {
  target = await startTargetServer({ port: 0 });
  prom = await startPrometheus();
  from = Date.now() - 10_000;
  run = await runFleet({
    script: `
import http from 'k6/http';
import { check, sleep } from 'k6';
export const options = {
  scenarios: { s: { executor: 'constant-vus', vus: 8, duration: '4s' } },
  thresholds: { http_req_duration: ['p(95)<5000'] },
};
export default function () {
  const res = http.get(__ENV.TARGET + '/flaky');
  check(res, { 'status is 200': (r) => r.status === 200 });
  http.get(__ENV.TARGET + '/api/db');
  sleep(0.02);
}
`,
    env: { TARGET: target.url },
    regions: [
      { name: 'us-east-1', weight: 50 },
      { name: 'eu-west-1', weight: 50 },
    ],
    runnersPerRegion: 2,
    sink: createSink({ kind: 'prometheus', url: prom.writeUrl }),
  });
  expect(run.summary.fleet.sinks?.prometheus?.dropped).toBe(0);
  // A little ahead: the last rollup window ends up to one interval after the last record.
  to = Date.now() + 30_000;
}, 120_000);

afterAll(async () => {
  await target?.close();
  await prom?.stop();
  await cleanup(run);
});

/** What Grafana substitutes before sending a query (one run stands for both runs compared). */
function interpolate(text: string): string {
  const runId = run!.plan.runId;
  return text
    .replaceAll('$__rate_interval', '10s')
    .replaceAll('$__interval', '2s')
    .replaceAll('$__range', `${Math.ceil((to - from) / 1000)}s`)
    .replaceAll('$region', '(eu-west-1|us-east-1)')
    .replaceAll('$runId', runId)
    .replaceAll('$runA', runId)
    .replaceAll('$runB', runId)
    .replaceAll('$testName', 'fleet-test');
}

/** Values of a `label_values(selector, label)` variable query, as Grafana asks Prometheus for them. */
async function labelValues(text: string): Promise<{ status: string; error?: string; data?: string[] }> {
  const m = /^label_values\((.*), (\w+)\)$/.exec(text);
  if (!m) throw new Error(`not a label_values query: ${text}`);
  const params = new URLSearchParams({
    'match[]': m[1]!,
    start: String(from / 1000),
    end: String(to / 1000),
  });
  const res = await fetch(`${prom.url}/api/v1/label/${m[2]}/values?${params}`);
  return (await res.json()) as { status: string; error?: string; data?: string[] };
}

/** Runs one dashboard query the way its panel does; returns how many data points came back. */
async function points(q: FoundQuery, text: string): Promise<{ error?: string; n: number }> {
  if (text.startsWith('label_values(')) {
    const r = await labelValues(text);
    return { error: r.error, n: r.data?.length ?? 0 };
  }
  const r: PromQueryResult = q.instant
    ? await prom.query(text, to)
    : await prom.queryRange(text, from, to, 2);
  const finite = (v: [number, string]) => Number.isFinite(Number(v[1]));
  const n = (r.data?.result ?? []).reduce(
    (sum, s) => sum + (s.values ?? []).filter(finite).length + (s.value && finite(s.value) ? 1 : 0),
    0,
  );
  return { error: r.status === 'success' ? undefined : (r.error ?? 'failed'), n };
}

describe('PromQL dashboards on a real fleet run in a real Prometheus', () => {
  for (const name of ['live', 'compare', 'history'] as const) {
    it(`${name}: every query runs and returns data`, async () => {
      // Prepare
      const queries = metricsQueries('prometheus', buildDashboards('prometheus')[name]);
      const empty: string[] = [];
      // Act
      for (const q of queries) {
        const text = interpolate(q.text);
        expect(text, q.where).not.toMatch(/\$[A-Za-z_{]/);
        const r = await points(q, text);
        expect(r.error, `${q.where}: ${text}`).toBeUndefined();
        if (r.n === 0) empty.push(`${q.where}: ${text}`);
      }
      // Assess
      expect(empty).toEqual([]);
      expect(queries.length).toBeGreaterThan(name === 'live' ? 20 : 4);
    });
  }

  it("the p95 panel merges the runners' native histograms: over the whole run it lands in the summary's p95 bucket", async () => {
    // Prepare
    const q = metricsQueries('prometheus', buildDashboards('prometheus').live).find(
      (x) => x.where === 'panel "p95"',
    )!;
    // Act: the panel's selector, merge and quantile over the whole run (the cumulative
    // histograms at its end, as Prometheus 2.42 has no last_over_time for them; rate() would
    // drop each runner's first interval)
    const text = interpolate(q.text).replace(/rate\((k6_\w+\{[^}]*\})\[10s\]\)/, '$1');
    const p95 = Number((await prom.query(text, to)).data?.result[0]?.value?.[1]) / 1000;
    const merged = await prom.query(/sum \((k6_\w+\{[^}]*\})\)/.exec(text)![0], to);
    // Assess: Prometheus 2.42 interpolates linearly inside a native bucket, so the check is
    // "in k6's own p95 bucket or the next" (an average of runner p95s would not be held to
    // that). The API lists populated buckets only: a bimodal run's summary p95 can fall in
    // a gap between them, so distance is measured in bucket widths, not list positions.
    expect(text).toMatch(/^histogram_quantile\(0\.95, sum \(k6_http_req_duration_seconds\{.*runner!=""/);
    type Native = { buckets: [number, string, string, string][] };
    const buckets = (merged.data?.result[0]?.histogram?.[1] as Native | undefined)?.buckets ?? [];
    const finite = buckets.filter(([, lo, hi]) => Number(lo) > 0 && Number.isFinite(Number(hi)));
    expect(finite.length).toBeGreaterThan(0);
    const [, lo, hi] = finite[0]!;
    const widthLog = Math.log(Number(hi) / Number(lo));
    const summaryP95 = run!.summary.metrics.http_req_duration!.values['p(95)']! / 1000;
    expect(buckets.some(([, l, h]) => p95 > Number(l) && p95 <= Number(h))).toBe(true);
    expect(Math.abs(Math.log(p95 / summaryP95))).toBeLessThanOrEqual(2 * widthLog);
  });
});
