import { describe, expect, it } from 'vitest';
import { RunStatusSchema, type ThresholdSpec } from '../../functions/contracts';
import {
  evaluateThreshold,
  type GetStat,
  ThresholdEvaluator,
} from '../../functions/core/thresholds/evaluate';
import { parseThresholdExpression } from '../../functions/core/thresholds/parse-expression';
import { ThresholdError } from '../../functions/core/thresholds/threshold-errors';

/** Stats of a few metrics, as the fleet's merged metrics would give them. */
const STATS: Record<string, Record<string, number>> = {
  http_req_duration: { avg: 120, min: 3, med: 100, max: 900, 'p(90)': 250, 'p(95)': 400, 'p(99.9)': 880 },
  'http_req_duration{status:200}': { avg: 90, min: 3, med: 80, max: 300, 'p(95)': 200 },
  http_reqs: { count: 5000, rate: 250 },
  http_req_failed: { rate: 0.02 },
  vus: { value: 20 },
};

function key(metric: string, tags: Record<string, string>): string {
  const entries = Object.entries(tags);
  return entries.length === 0 ? metric : `${metric}{${entries.map(([k, v]) => `${k}:${v}`).join(',')}}`;
}

function statsFrom(table: Record<string, Record<string, number>>): GetStat {
  return (metric, tags, stat) => table[key(metric, tags)]?.[stat] ?? null;
}

function spec(expr: string, abortOnFail = false, delayAbortEvalMs = 0): ThresholdSpec {
  return { expr, abortOnFail, delayAbortEvalMs };
}

describe('evaluateThreshold', () => {
  const duration = (stat: string) => STATS.http_req_duration?.[stat] ?? null;

  it.each([
    ['avg<121', true, 120],
    ['avg<120', false, 120],
    ['min>=3', true, 3],
    ['min>3', false, 3],
    ['med<=100', true, 100],
    ['med<=99', false, 100],
    ['max==900', true, 900],
    ['max===900', true, 900],
    ['max==901', false, 900],
    ['max!=901', true, 900],
    ['max!=900', false, 900],
    ['p(90)<300', true, 250],
    ['p(95)<300', false, 400],
    ['p(99.9)<1000', true, 880],
  ])('trend: %s → ok=%s', (expr, ok, value) => {
    // Act
    const result = evaluateThreshold(parseThresholdExpression(expr), duration);
    // Assess
    expect(result).toEqual({ ok, value });
  });

  it.each([
    ['http_reqs', 'count>4999', true],
    ['http_reqs', 'count>5000', false],
    ['http_reqs', 'rate>=250', true],
    ['http_req_failed', 'rate<0.01', false],
    ['http_req_failed', 'rate<0.05', true],
    ['vus', 'value>=20', true],
    ['vus', 'value<20', false],
  ])('%s: %s → ok=%s', (metric, expr, ok) => {
    // Act
    const result = evaluateThreshold(parseThresholdExpression(expr), (stat) => STATS[metric]?.[stat] ?? null);
    // Assess
    expect(result.ok).toBe(ok);
  });

  it('passes without a value when the metric has no data (k6 skips empty metrics)', () => {
    // Act
    const result = evaluateThreshold(parseThresholdExpression('count>0'), () => null);
    // Assess
    expect(result).toEqual({ ok: true, value: null });
  });

  it('compares NaN as Go does: only != holds', () => {
    // Prepare
    const nan = () => Number.NaN;
    // Act / Assess
    expect(evaluateThreshold(parseThresholdExpression('avg<1'), nan).ok).toBe(false);
    expect(evaluateThreshold(parseThresholdExpression('avg>=1'), nan).ok).toBe(false);
    expect(evaluateThreshold(parseThresholdExpression('avg!=1'), nan).ok).toBe(true);
    expect(evaluateThreshold(parseThresholdExpression('avg<NaN'), () => 1).ok).toBe(false);
  });
});

describe('ThresholdEvaluator', () => {
  it('evaluates every threshold of the run, submetrics included, into ThresholdState', () => {
    // Prepare
    const evaluator = new ThresholdEvaluator({
      http_req_duration: [spec('p(95)<500'), spec('avg<100')],
      'http_req_duration{status:200}': [spec('p(95)<150')],
      http_reqs: [spec('count>1000')],
    });
    // Act
    const { states, abort } = evaluator.evaluate(1_000, 10_000, statsFrom(STATS));
    // Assess
    expect(abort).toBeUndefined();
    expect(states).toEqual([
      { metric: 'http_req_duration', expr: 'p(95)<500', ok: true, abortOnFail: false, value: 400 },
      {
        metric: 'http_req_duration',
        expr: 'avg<100',
        ok: false,
        abortOnFail: false,
        value: 120,
        failedAt: 1_000,
      },
      {
        metric: 'http_req_duration{status:200}',
        expr: 'p(95)<150',
        ok: false,
        abortOnFail: false,
        value: 200,
        failedAt: 1_000,
      },
      { metric: 'http_reqs', expr: 'count>1000', ok: true, abortOnFail: false, value: 5000 },
    ]);
    for (const s of states) expect(() => RunStatusSchema.shape.thresholds.element.parse(s)).not.toThrow();
  });

  it('passes the parsed selector (metric and tag filter) and stat to getStat', () => {
    // Prepare
    const calls: Array<[string, Record<string, string>, string]> = [];
    const evaluator = new ThresholdEvaluator({
      "http_reqs{ scenario : 'browse', method:GET}": [spec('count>0')],
      checks: [spec('rate>0.99')],
    });
    // Act
    evaluator.evaluate(0, 0, (metric, tags, stat) => {
      calls.push([metric, tags, stat]);
      return null;
    });
    // Assess
    expect(calls).toEqual([
      ['http_reqs', { scenario: 'browse', method: 'GET' }, 'count'],
      ['checks', {}, 'rate'],
    ]);
  });

  it('remembers when each threshold first failed, even after it recovers', () => {
    // Prepare
    const evaluator = new ThresholdEvaluator({ http_req_failed: [spec('rate<0.05')] });
    const rate =
      (r: number): GetStat =>
      () =>
        r;
    // Act
    const t1 = evaluator.evaluate(1_000, 1_000, rate(0.01)).states[0];
    const t2 = evaluator.evaluate(2_000, 2_000, rate(0.1)).states[0];
    const t3 = evaluator.evaluate(3_000, 3_000, rate(0.2)).states[0];
    const t4 = evaluator.evaluate(4_000, 4_000, rate(0.04)).states[0];
    // Assess
    expect(t1).toMatchObject({ ok: true, value: 0.01 });
    expect(t1?.failedAt).toBeUndefined();
    expect(t2).toMatchObject({ ok: false, failedAt: 2_000 });
    expect(t3).toMatchObject({ ok: false, failedAt: 2_000 });
    expect(t4).toMatchObject({ ok: true, value: 0.04, failedAt: 2_000 });
  });

  it('aborts at once on a failing abortOnFail threshold without delay', () => {
    // Prepare
    const evaluator = new ThresholdEvaluator({
      http_reqs: [spec('count>0')],
      http_req_failed: [spec('rate<0.01', true)],
    });
    // Act
    const passing = evaluator.evaluate(1_000, 500, statsFrom({ http_req_failed: { rate: 0 } }));
    const failing = evaluator.evaluate(2_000, 1_500, statsFrom({ http_req_failed: { rate: 0.5 } }));
    // Assess
    expect(passing.abort).toBeUndefined();
    expect(failing.abort).toEqual({ metric: 'http_req_failed', expr: 'rate<0.01', at: 2_000, value: 0.5 });
    expect(failing.states[1]).toMatchObject({ ok: false, abortOnFail: true, failedAt: 2_000 });
  });

  it('does not abort on a failing threshold without abortOnFail', () => {
    // Prepare
    const evaluator = new ThresholdEvaluator({ http_req_failed: [spec('rate<0.01')] });
    // Act
    const result = evaluator.evaluate(1_000, 60_000, () => 0.9);
    // Assess
    expect(result.states[0]?.ok).toBe(false);
    expect(result.abort).toBeUndefined();
  });

  it('holds abortOnFail back until the test has run longer than delayAbortEval', () => {
    // Prepare
    const evaluator = new ThresholdEvaluator({ http_req_failed: [spec('rate<0.01', true, 10_000)] });
    const failing: GetStat = () => 0.5;
    // Act
    const early = evaluator.evaluate(5_000, 5_000, failing);
    const atDelay = evaluator.evaluate(10_000, 10_000, failing);
    const after = evaluator.evaluate(10_001, 10_001, failing);
    // Assess: failing from the start, but the abort waits for elapsed > delay (k6: delay < time in test).
    expect(early.states[0]).toMatchObject({ ok: false, failedAt: 5_000 });
    expect(early.abort).toBeUndefined();
    expect(atDelay.abort).toBeUndefined();
    expect(after.abort).toEqual({ metric: 'http_req_failed', expr: 'rate<0.01', at: 10_001, value: 0.5 });
  });

  it('does not abort when the threshold recovered before its delay ran out', () => {
    // Prepare
    const evaluator = new ThresholdEvaluator({ http_req_failed: [spec('rate<0.01', true, 10_000)] });
    // Act
    evaluator.evaluate(5_000, 5_000, () => 0.5);
    const later = evaluator.evaluate(15_000, 15_000, () => 0.001);
    // Assess
    expect(later.abort).toBeUndefined();
    expect(later.states[0]).toMatchObject({ ok: true, failedAt: 5_000 });
  });

  it('keeps the first abort decision on later ticks, even once the threshold passes again', () => {
    // Prepare
    const evaluator = new ThresholdEvaluator({
      'http_req_duration{status:200}': [spec('p(95)<100', true)],
      http_req_failed: [spec('rate<0.01', true)],
    });
    // Act
    const first = evaluator.evaluate(1_000, 1_000, (_metric, _tags, stat) => (stat === 'p(95)' ? 500 : 0));
    const second = evaluator.evaluate(2_000, 2_000, (metric) => (metric === 'http_req_failed' ? 0.9 : 50));
    // Assess
    expect(first.abort).toEqual({
      metric: 'http_req_duration{status:200}',
      expr: 'p(95)<100',
      at: 1_000,
      value: 500,
    });
    expect(second.abort).toEqual(first.abort);
  });

  it('never decides an abort in the final evaluation', () => {
    // Prepare
    const evaluator = new ThresholdEvaluator({ http_req_failed: [spec('rate<0.01', true)] });
    // Act
    const result = evaluator.evaluate(1_000, 1_000, () => 0.5, { final: true });
    // Assess
    expect(result.states[0]?.ok).toBe(false);
    expect(result.abort).toBeUndefined();
  });

  it('judges metrics without samples at the end as k6 does: zeros, except a Rate that passes', () => {
    // Prepare
    const evaluator = new ThresholdEvaluator({
      my_counter: [spec('count>0'), spec('rate==0'), spec('rate>0')],
      my_gauge: [spec('value==0'), spec('value>0')],
      my_trend: [spec('p(95)<200'), spec('avg>0')],
      my_rate: [spec('rate>0.5'), spec('rate<0.5')],
      custom_unknown: [spec('rate>0.5')],
    });
    const types: Record<string, 'counter' | 'gauge' | 'trend' | 'rate'> = {
      my_counter: 'counter',
      my_gauge: 'gauge',
      my_trend: 'trend',
      my_rate: 'rate',
    };
    // Act
    const during = evaluator.evaluate(1_000, 1_000, () => null);
    const atEnd = evaluator.evaluate(2_000, 2_000, () => null, { final: true, metricType: (m) => types[m] });
    // Assess
    expect(during.states.every((s) => s.ok && s.value === null)).toBe(true);
    expect(atEnd.states.map((s) => [s.metric, s.expr, s.ok, s.value])).toEqual([
      ['my_counter', 'count>0', false, 0],
      ['my_counter', 'rate==0', true, 0],
      ['my_counter', 'rate>0', false, 0],
      ['my_gauge', 'value==0', true, 0],
      ['my_gauge', 'value>0', false, 0],
      ['my_trend', 'p(95)<200', true, 0],
      ['my_trend', 'avg>0', false, 0],
      ['my_rate', 'rate>0.5', true, null],
      ['my_rate', 'rate<0.5', true, null],
      ['custom_unknown', 'rate>0.5', true, null],
    ]);
  });

  it('survives a stateless tick: toJSON → JSON → fromJSON keeps failedAt and the abort', () => {
    // Prepare
    const th = {
      http_req_failed: [spec('rate<0.01', true, 1_000)],
      http_req_duration: [spec('p(95)<100'), spec('avg<50')],
    };
    const first = new ThresholdEvaluator(th);
    first.evaluate(
      1_000,
      500,
      statsFrom({ http_req_failed: { rate: 0.2 }, http_req_duration: { 'p(95)': 50, avg: 80 } }),
    );
    first.evaluate(
      2_000,
      1_500,
      statsFrom({ http_req_failed: { rate: 0.2 }, http_req_duration: { 'p(95)': 150, avg: 80 } }),
    );
    const saved = JSON.parse(JSON.stringify(first));
    // Act
    const restored = ThresholdEvaluator.fromJSON(th, saved);
    const next = restored.evaluate(
      3_000,
      2_500,
      statsFrom({ http_req_failed: { rate: 0 }, http_req_duration: { 'p(95)': 50, avg: 10 } }),
    );
    // Assess
    expect(saved).toEqual({
      v: 1,
      failed: [
        { metric: 'http_req_failed', index: 0, expr: 'rate<0.01', at: 1_000 },
        { metric: 'http_req_duration', index: 0, expr: 'p(95)<100', at: 2_000 },
        { metric: 'http_req_duration', index: 1, expr: 'avg<50', at: 1_000 },
      ],
      abort: { metric: 'http_req_failed', expr: 'rate<0.01', at: 2_000, value: 0.2 },
    });
    expect(next.states.map((s) => [s.ok, s.failedAt])).toEqual([
      [true, 1_000],
      [true, 2_000],
      [true, 1_000],
    ]);
    expect(next.abort).toEqual(saved.abort);
    expect(restored.toJSON()).toEqual(saved);
  });

  it('drops saved state that no longer matches the thresholds, and rejects a malformed state', () => {
    // Prepare
    const saved = {
      v: 1,
      failed: [{ metric: 'http_reqs', index: 0, expr: 'count>1', at: 5 }],
      abort: { metric: 'http_reqs', expr: 'count>1', at: 5, value: 0 },
    };
    // Act
    const restored = ThresholdEvaluator.fromJSON({ http_reqs: [spec('count>2')] }, saved);
    // Assess
    expect(restored.toJSON()).toEqual({ v: 1, failed: [] });
    expect(() => ThresholdEvaluator.fromJSON({}, { v: 2 })).toThrow(ThresholdError);
  });

  it('lists the selectors, stats and tag keys runners and the metrics engine must keep', () => {
    // Prepare
    const evaluator = new ThresholdEvaluator({
      http_req_duration: [spec('p(95)<500'), spec('p(99.9)<900'), spec('p(95)<600')],
      'http_req_duration{status:200,scenario:browse}': [spec('avg<100')],
      'checks{check:home ok}': [spec('rate>0.99')],
      'http_reqs{url:http://127.0.0.1/a}': [spec('count>0')],
    });
    // Act
    const selectors = evaluator.selectors();
    const stats = evaluator.requiredStats();
    const tagKeys = evaluator.tagKeys();
    // Assess
    expect(selectors).toEqual([
      { key: 'http_req_duration', metric: 'http_req_duration', tags: {} },
      {
        key: 'http_req_duration{status:200,scenario:browse}',
        metric: 'http_req_duration',
        tags: { status: '200', scenario: 'browse' },
      },
      { key: 'checks{check:home ok}', metric: 'checks', tags: { check: 'home ok' } },
      { key: 'http_reqs{url:http://127.0.0.1/a}', metric: 'http_reqs', tags: { url: 'http://127.0.0.1/a' } },
    ]);
    expect(stats).toEqual({
      http_req_duration: ['p(95)', 'p(99.9)'],
      'http_req_duration{status:200,scenario:browse}': ['avg'],
      'checks{check:home ok}': ['rate'],
      'http_reqs{url:http://127.0.0.1/a}': ['count'],
    });
    expect(tagKeys).toEqual(['check', 'scenario', 'status', 'url']);
  });

  it('refuses thresholds k6 would refuse', () => {
    expect(() => new ThresholdEvaluator({ 'http_reqs{status': [spec('count>0')] })).toThrow(ThresholdError);
    expect(() => new ThresholdEvaluator({ http_reqs: [spec('count>>0')] })).toThrow(/is not a number/);
  });
});
