import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GetStat, ThresholdEvaluator } from '../../functions/core/thresholds/evaluate';
import { KNOWN_METRIC_TYPES } from '../../functions/core/thresholds/metric-types';
import { normalizeThresholds } from '../../functions/core/thresholds/normalize';
import { validateThresholds } from '../../functions/core/thresholds/validate';
import { K6_PATH } from '../support/k6-path';

/**
 * Real k6 is the reference: the same thresholds go to `k6 run` (exit 104 = rejected,
 * 99 = failed, 0 = passed) and through parse → validate → evaluate here, on a script whose
 * metric values are known exactly. No network: the script only adds samples to custom metrics.
 */
const SCRIPT = `
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';
const tr = new Trend('tr');
const cn = new Counter('cn');
const rt = new Rate('rt');
const ga = new Gauge('ga');
const empty_trend = new Trend('empty_trend');
const empty_counter = new Counter('empty_counter');
const empty_rate = new Rate('empty_rate');
const empty_gauge = new Gauge('empty_gauge');
export const options = { vus: 1, iterations: 1, thresholds: JSON.parse(__ENV.TH) };
export default function () {
  for (const v of [10, 20, 30, 40]) tr.add(v, { kind: v > 20 ? 'big' : 'small' });
  cn.add(3);
  cn.add(4, { kind: 'x' });
  for (const ok of [true, false, true, true]) rt.add(ok);
  ga.add(5);
  ga.add(7);
}
`;

const CUSTOM_TYPES = {
  tr: 'trend',
  cn: 'counter',
  rt: 'rate',
  ga: 'gauge',
  empty_trend: 'trend',
  empty_counter: 'counter',
  empty_rate: 'rate',
  empty_gauge: 'gauge',
} as const;

/** The script's metrics as k6 aggregates them (k6 percentiles interpolate linearly between ranks). */
const VALUES: Record<string, Record<string, number>> = {
  tr: {
    avg: 25,
    min: 10,
    max: 40,
    med: 25,
    'p(0)': 10,
    'p(10)': 13,
    'p(50)': 25,
    'p(90)': 37,
    'p(95)': 38.5,
    'p(99.9)': 39.97,
    'p(100)': 40,
  },
  'tr{kind:big}': { avg: 35, min: 30, max: 40, med: 35 },
  'tr{kind:small}': { avg: 15, min: 10, max: 20, med: 15 },
  cn: { count: 7 },
  'cn{kind:x}': { count: 4 },
  rt: { rate: 0.75 },
  ga: { value: 7 },
  iterations: { count: 1 },
};

const getStat: GetStat = (metric, tags, stat) => {
  const entries = Object.entries(tags);
  const key = entries.length ? `${metric}{${entries.map(([k, v]) => `${k}:${v}`).join(',')}}` : metric;
  // A counter's rate depends on the run's duration: the cases only compare it far from its value.
  if (key === 'cn' && stat === 'rate') return 7 / 0.01;
  return VALUES[key]?.[stat] ?? null;
};

type Verdict = 'passed' | 'failed' | 'rejected';

/** What this project concludes for one threshold, as the watcher + finalizer would. */
function ourVerdict(selector: string, expr: string): Verdict {
  let th: ReturnType<typeof normalizeThresholds>;
  try {
    th = normalizeThresholds({ [selector]: [expr] });
  } catch {
    return 'rejected';
  }
  if (validateThresholds(th, { ...KNOWN_METRIC_TYPES, ...CUSTOM_TYPES }).length > 0) return 'rejected';
  const evaluator = new ThresholdEvaluator(th);
  const { states } = evaluator.evaluate(0, 1_000, getStat, {
    final: true,
    metricType: (m) => (CUSTOM_TYPES as Record<string, 'trend' | 'counter' | 'rate' | 'gauge'>)[m],
  });
  return states.every((s) => s.ok) ? 'passed' : 'failed';
}

let dir: string;
let script: string;

function k6Verdict(selector: string, expr: string): Verdict {
  const run = spawnSync(K6_PATH, ['run', '--quiet', '--no-usage-report', '--summary-mode=disabled', script], {
    env: { ...process.env, TH: JSON.stringify({ [selector]: [expr] }), K6_NO_USAGE_REPORT: 'true' },
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (run.status === 0) return 'passed';
  if (run.status === 99) return 'failed';
  if (run.status === 104) return 'rejected';
  throw new Error(`k6 exited ${run.status} for ${selector}: ${expr}\n${run.stderr}`);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'k6fleet-thresholds-'));
  script = join(dir, 'script.js');
  writeFileSync(script, SCRIPT);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('thresholds agree with real k6', () => {
  it.each([
    // Operators and trend methods.
    ['tr', 'avg==25'],
    ['tr', 'avg===25'],
    ['tr', 'avg!=25'],
    ['tr', 'avg<25'],
    ['tr', 'avg<=25'],
    ['tr', 'avg>24.9'],
    ['tr', 'avg>=25.1'],
    ['tr', 'min==10'],
    ['tr', 'max==40'],
    ['tr', 'med==25'],
    ['tr', 'p(50)==25'],
    ['tr', 'p(90)>36.9'],
    ['tr', 'p(90)<36.9'],
    ['tr', 'p(99.9)<40'],
    ['tr', 'p(0)==10'],
    ['tr', 'p(100)==40'],
    // Spelling that k6 accepts.
    ['tr', '  avg  <  26  '],
    ['tr', 'avg<2.6e1'],
    ['tr', 'avg<0x1.ap4'],
    ['tr', 'avg<2_6'],
    ['tr', 'avg<Inf'],
    ['tr', 'avg>-Infinity'],
    ['tr', 'avg<NaN'],
    ['tr', 'avg!=NaN'],
    ['tr', 'p(95.)<41'],
    ['tr', 'p(1e1)<20'],
    ['tr', 'p(1e1)<13'],
    // Submetrics, with k6's whitespace and quote rules.
    ['tr{kind:big}', 'avg==35'],
    ['tr{ kind : "big" }', 'min==30'],
    ["tr{kind:'small'}", 'max==20'],
    ['tr{kind:none}', 'avg==0'],
    ['tr{kind:none}', 'avg!=0'],
    // Counters, rates and gauges.
    ['cn', 'count==7'],
    ['cn', 'count>7'],
    ['cn', 'rate>0'],
    ['cn', 'rate<1e12'],
    ['cn{kind:x}', 'count==4'],
    ['rt', 'rate==0.75'],
    ['rt', 'rate<0.75'],
    ['rt', 'rate>=0.75'],
    ['ga', 'value==7'],
    ['ga', 'value<7'],
    ['iterations', 'count==1'],
    // Metrics without samples at the end of the test.
    ['empty_trend', 'p(95)<1'],
    ['empty_trend', 'avg>0'],
    ['empty_counter', 'count>0'],
    ['empty_counter', 'rate==0'],
    ['empty_counter', 'rate>0'],
    ['empty_rate', 'rate>0.5'],
    ['empty_rate', 'rate<0.5'],
    ['empty_gauge', 'value==0'],
    ['empty_gauge', 'value>0'],
    // Expressions k6 rejects.
    ['tr', 'AVG<10'],
    ['tr', 'p( 95 )<10'],
    ['tr', 'p(95)=10'],
    ['tr', 'p(101)<10'],
    ['tr', 'p(-1)<10'],
    ['tr', 'p()<10'],
    ['tr', 'avg<'],
    ['tr', '<5'],
    ['tr', 'avg<5<6'],
    ['tr', 'avg=<5'],
    ['tr', 'avg<=>5'],
    ['tr', 'avg<1 000'],
    ['tr', 'avg<0x10'],
    ['tr', 'avg<1__0'],
    ['tr', 'avg<+nan'],
    ['tr', 'avg<1e400'],
    ['tr', 'avg<10ms'],
    // Methods that do not fit the type.
    ['tr', 'count>1'],
    ['cn', 'value>1'],
    ['rt', 'avg<1'],
    ['ga', 'rate>0'],
    ['vus', 'count>0'],
    ['http_req_duration', 'rate<1'],
    // Selectors k6 rejects.
    ['tr{kind:big', 'avg>0'],
    ['tr{kind:big}x', 'avg>0'],
    ['tr}', 'avg>0'],
    ['tr{}', 'avg>0'],
    ['tr{ }', 'avg>0'],
    ['tr{kind}', 'avg>0'],
    ['tr{kind:}', 'avg>0'],
    ['tr{kind:big,}', 'avg>0'],
    ['tr {kind:big}', 'avg>0'],
  ])('%s: %s', (selector, expr) => {
    // Act
    const ours = ourVerdict(selector, expr);
    const k6 = k6Verdict(selector, expr);
    // Assess
    expect(ours).toBe(k6);
  });
});

describe('normalizeThresholds on real k6 inspect output', () => {
  it('reads the short and long forms k6 prints, delays included', () => {
    // Prepare
    const file = join(dir, 'inspect.js');
    writeFileSync(
      file,
      `export const options = { vus: 1, iterations: 1, thresholds: {
        'http_req_duration{status:200}': ['p(95)<10', { threshold: 'avg<5', abortOnFail: true, delayAbortEval: '1m30s' },
          { threshold: 'min<5', abortOnFail: true }, { threshold: 'med<5', abortOnFail: true, delayAbortEval: 1500 },
          { threshold: 'med<6', abortOnFail: true, delayAbortEval: '2d3h' }, { threshold: 'max<5', delayAbortEval: '10s' }],
        'checks{check:my check}': ['rate>0.9'],
      } };
      export default function () {}`,
    );
    const inspected = JSON.parse(
      execFileSync(K6_PATH, ['inspect', file], {
        encoding: 'utf8',
        env: { ...process.env, K6_NO_USAGE_REPORT: 'true' },
      }),
    ) as { thresholds: unknown };
    // Act
    const th = normalizeThresholds(inspected.thresholds);
    // Assess
    expect(th).toEqual({
      'checks{check:my check}': [{ expr: 'rate>0.9', abortOnFail: false, delayAbortEvalMs: 0 }],
      'http_req_duration{status:200}': [
        { expr: 'p(95)<10', abortOnFail: false, delayAbortEvalMs: 0 },
        { expr: 'avg<5', abortOnFail: true, delayAbortEvalMs: 90_000 },
        { expr: 'min<5', abortOnFail: true, delayAbortEvalMs: 0 },
        { expr: 'med<5', abortOnFail: true, delayAbortEvalMs: 1_500 },
        { expr: 'med<6', abortOnFail: true, delayAbortEvalMs: 183_600_000 },
        // k6 drops the delay of a threshold that does not abort.
        { expr: 'max<5', abortOnFail: false, delayAbortEvalMs: 0 },
      ],
    });
  });
});
