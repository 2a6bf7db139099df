import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectScript } from '../../functions/adapters/k6/k6-inspect';
import type { Summary, SummaryMetric, ThresholdSpec } from '../../functions/contracts';
import { renderTextSummary } from '../../functions/core/summary/text-summary';
import { KNOWN_METRIC_TYPES } from '../../functions/core/thresholds/metric-types';
import { normalizeThresholds } from '../../functions/core/thresholds/normalize';
import { K6_PATH } from '../support/k6-path';

/**
 * Real k6 is the reference for the layout: one k6 run against a loopback server prints its own
 * end-of-test summary and exports the same numbers (--summary-export); the THRESHOLDS and
 * TOTAL RESULTS sections rendered here from those numbers must match k6's line for line.
 */
const SCRIPT = `
import http from 'k6/http';
import { check, group } from 'k6';
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';
const basket = new Trend('basket_time', true);
const items = new Counter('items_added');
const hits = new Rate('cache_hits');
const depth = new Gauge('queue_depth');
export const options = {
  vus: 1,
  iterations: 30,
  thresholds: {
    http_req_duration: ['p(95)<5000', 'avg<0.0001'],
    'http_req_duration{status:200}': ['max<5000'],
    'checks{check:a status is 200}': ['rate>0.9'],
    http_reqs: ['count>5', 'rate>0'],
    cache_hits: ['rate<0.9'],
    queue_depth: ['value>0'],
  },
};
export default function () {
  group('browse', () => {
    const res = http.get(__ENV.TARGET + '/item');
    check(res, { 'a status is 200': (r) => r.status === 200, 'b body is huge': (r) => r.body.length > 4096 });
  });
  group('checkout', () => {
    const res = http.post(__ENV.TARGET + '/cart', 'x=1');
    check(res, { 'c cart accepted': (r) => r.status === 201 });
  });
  basket.add(12.5 + __ITER);
  items.add(2);
  hits.add(__ITER % 3 === 0);
  depth.add(__ITER);
}
`;

/** What the script's custom metrics contain (k6's export leaves it out). */
const CUSTOM_CONTAINS: Record<string, SummaryMetric['contains']> = { basket_time: 'time' };

interface LegacyGroup {
  checks: Record<string, { name: string; passes: number; fails: number }>;
  groups: Record<string, LegacyGroup>;
}
interface LegacyExport {
  root_group: LegacyGroup;
  metrics: Record<string, Record<string, number> & { thresholds?: Record<string, boolean> }>;
}

/** k6's --summary-export data as a fleet Summary. */
function summaryFromExport(exp: LegacyExport, declared: Record<string, ThresholdSpec[]>): Summary {
  const metrics: Summary['metrics'] = {};
  for (const [name, raw] of Object.entries(exp.metrics)) {
    const { thresholds, ...values } = raw;
    const type =
      'count' in values ? 'counter' : 'passes' in values ? 'rate' : 'avg' in values ? 'trend' : 'gauge';
    if (type === 'rate') {
      values.rate = values.value!;
      delete values.value;
    }
    const base = name.split('{')[0]!;
    const contains = KNOWN_METRIC_TYPES[base]?.contains ?? CUSTOM_CONTAINS[base] ?? 'default';
    const metric: SummaryMetric = { type, contains, values };
    // In the export a threshold maps to "has failed". The export's key order is Go map order
    // (random); the fleet's summary keeps the script's order (plan.json), as k6's text does.
    if (thresholds) {
      const order = (declared[name] ?? []).map((t) => t.expr);
      const ordered = Object.entries(thresholds).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
      metric.thresholds = Object.fromEntries(ordered.map(([e, f]) => [e, { ok: !f }]));
    }
    metrics[name] = metric;
  }
  const checks: Summary['checks'] = [];
  const walk = (g: LegacyGroup) => {
    for (const c of Object.values(g.checks)) checks.push({ name: c.name, passes: c.passes, fails: c.fails });
    for (const sub of Object.values(g.groups)) walk(sub);
  };
  walk(exp.root_group);
  const iterations = exp.metrics.iterations!;
  return {
    v: 1,
    runId: 'run-k6-reference',
    testName: 'k6-reference',
    state: { testRunDurationMs: (iterations.count! / iterations.rate!) * 1000 },
    options: { summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'] },
    metrics,
    checks,
    fleet: {
      verdict: 'thresholds-failed',
      exitCode: 99,
      startAt: 0,
      endAt: 1,
      regions: [{ name: 'local', weight: 100, runners: 1, requests: exp.metrics.http_reqs?.count ?? 0 }],
      runners: [],
      startSkewMs: 0,
      anomalies: [],
      failedThresholds: [],
    },
  };
}

/** From the THRESHOLDS title to the end of TOTAL RESULTS, trailing spaces and blank lines dropped. */
function resultSections(text: string): string[] {
  const lines = text.split('\n').map((l) => l.trimEnd());
  const from = lines.findIndex((l) => l.includes('█ THRESHOLDS'));
  let to = lines.findIndex((l, i) => i > from && /^running \(|^default /.test(l));
  if (to < 0) to = lines.length;
  const out = lines.slice(from, to);
  while (out.at(-1) === '') out.pop();
  return out;
}

let server: Server;
let target: string;
let dir: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'text/plain' });
      res.end(req.method === 'POST' ? 'ok' : 'x'.repeat(2048));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), 'k6fleet-summary-'));
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

function runK6(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(K6_PATH, args, {
      env: { ...process.env, TARGET: target, K6_NO_USAGE_REPORT: 'true' },
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('renderTextSummary matches k6', () => {
  it('prints THRESHOLDS and TOTAL RESULTS as k6 v2 does for the same numbers', async () => {
    // Prepare
    const script = join(dir, 'script.js');
    const exported = join(dir, 'export.json');
    writeFileSync(script, SCRIPT);
    const k6 = await runK6([
      'run',
      '--no-color',
      '--quiet',
      '--no-usage-report',
      `--summary-export=${exported}`,
      script,
    ]);
    expect(k6.code, k6.stderr).toBe(99);
    // The declared order, as the planner reads it (k6 inspect keeps each metric's list in order).
    const declared = normalizeThresholds((await inspectScript(K6_PATH, script, {})).thresholds);
    const summary = summaryFromExport(JSON.parse(readFileSync(exported, 'utf8')) as LegacyExport, declared);
    // Act
    const ours = renderTextSummary(summary, { color: false });
    // Assess
    const expected = resultSections(k6.stdout);
    // k6's own text has what this test is about: a failed and passed thresholds, checks, groups.
    expect(expected.some((l) => l.startsWith("    ✗ 'avg<0.0001' avg="))).toBe(true);
    expect(expected).toContain('      {status:200}');
    expect(expected).toContain('    ✗ b body is huge');
    for (const heading of ['    CUSTOM', '    HTTP', '    EXECUTION', '    NETWORK'])
      expect(expected).toContain(heading);
    expect(resultSections(ours)).toEqual(expected);
  });
});
