import { describe, expect, it } from 'vitest';
import { emptyHistogram, observe } from '../../functions/core/histogram/exp-histogram';
import type { Aggregate } from '../../functions/core/metrics/aggregate';
import {
  DEFAULT_TREND_STATS,
  parsePercentileStat,
  statValue,
  summaryValues,
} from '../../functions/core/metrics/summary-values';

function trendOf(values: number[]): Aggregate {
  const hist = emptyHistogram();
  for (const v of values) observe(hist, v);
  return { type: 'trend', hist };
}

describe('summaryValues (the keys of k6 handleSummary data)', () => {
  it('counter: count and per-second rate over the run', () => {
    expect(summaryValues({ type: 'counter', value: 300 }, { durationMs: 60_000, trendStats: [] })).toEqual({
      count: 300,
      rate: 5,
    });
  });

  it('gauge: value, min, max', () => {
    expect(
      summaryValues(
        { type: 'gauge', value: 3, min: 1, max: 8 },
        { durationMs: 1, trendStats: DEFAULT_TREND_STATS },
      ),
    ).toEqual({ value: 3, min: 1, max: 8 });
  });

  it('rate: rate, passes, fails (rate 0 when empty)', () => {
    expect(summaryValues({ type: 'rate', nonzero: 3, total: 4 }, { durationMs: 1, trendStats: [] })).toEqual({
      rate: 0.75,
      passes: 3,
      fails: 1,
    });
    expect(
      summaryValues({ type: 'rate', nonzero: 0, total: 0 }, { durationMs: 1, trendStats: [] }).rate,
    ).toBe(0);
  });

  it('trend: exactly the requested stats, in order, incl. decimal percentiles and count', () => {
    const values = Array.from({ length: 1001 }, (_, i) => 10 + i / 100); // 10.00 … 20.00
    const v = summaryValues(trendOf(values), {
      durationMs: 1,
      trendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(99.9)', 'count'],
    });
    expect(Object.keys(v)).toEqual(['avg', 'min', 'med', 'max', 'p(90)', 'p(99.9)', 'count']);
    expect(v.avg).toBeCloseTo(15, 9);
    expect(v.min).toBe(10);
    expect(v.max).toBe(20);
    expect(v.count).toBe(1001);
    // k6: rank q·(n−1) → med is sample 500 (15.00), p(90) sample 900 (19.00), p(99.9) 999.
    expect(Math.abs(v.med! - 15) / 15).toBeLessThan(0.005);
    expect(Math.abs(v['p(90)']! - 19) / 19).toBeLessThan(0.005);
    expect(Math.abs(v['p(99.9)']! - 19.99) / 19.99).toBeLessThan(0.005);
  });

  it('trend without samples gives zeros like k6', () => {
    expect(summaryValues(trendOf([]), { durationMs: 1, trendStats: DEFAULT_TREND_STATS })).toEqual({
      avg: 0,
      min: 0,
      med: 0,
      max: 0,
      'p(90)': 0,
      'p(95)': 0,
    });
  });
});

describe('statValue (threshold operands)', () => {
  it('answers the stats of each type and null otherwise', () => {
    expect(statValue({ type: 'counter', value: 10 }, 'count', 2000)).toBe(10);
    expect(statValue({ type: 'counter', value: 10 }, 'rate', 2000)).toBe(5);
    expect(statValue({ type: 'counter', value: 10 }, 'p(95)', 2000)).toBeNull();
    expect(statValue({ type: 'rate', nonzero: 1, total: 4 }, 'rate', 1)).toBe(0.25);
    expect(statValue({ type: 'rate', nonzero: 1, total: 4 }, 'fails', 1)).toBe(3);
    expect(statValue({ type: 'rate', nonzero: 0, total: 0 }, 'rate', 1)).toBeNull();
    expect(statValue({ type: 'gauge', value: 2, min: 1, max: 3 }, 'value', 1)).toBe(2);
    const t = trendOf([1, 2, 3, 4]);
    expect(statValue(t, 'max', 1)).toBe(4);
    expect(statValue(t, 'avg', 1)).toBe(2.5);
    expect(statValue(t, 'p(100)', 1)).toBe(4);
    expect(statValue(t, 'p(0)', 1)).toBe(1);
    expect(statValue(t, 'p(101)', 1)).toBeNull();
    expect(statValue(trendOf([]), 'p(95)', 1)).toBeNull();
  });

  it('parses percentile names', () => {
    expect(parsePercentileStat('p(99.9)')).toBeCloseTo(0.999, 12);
    expect(parsePercentileStat('p(95)')).toBe(0.95);
    expect(parsePercentileStat('med')).toBeNull();
  });
});
