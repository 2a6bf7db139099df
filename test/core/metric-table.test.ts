import { describe, expect, it } from 'vitest';
import type { IntervalRecord, Series } from '../../functions/contracts/metrics';
import { emptyHistogram, observe } from '../../functions/core/histogram/exp-histogram';
import { histogramQuantile } from '../../functions/core/histogram/histogram-quantile';
import { mergeAggregate } from '../../functions/core/metrics/aggregate';
import { MetricTable } from '../../functions/core/metrics/metric-table';
import { SeriesAccumulator } from '../../functions/core/metrics/series-accumulator';

function trend(metric: string, tags: Record<string, string>, values: number[]): Series {
  const hist = emptyHistogram();
  for (const v of values) observe(hist, v);
  return { metric, contains: 'time', tags, type: 'trend', hist };
}

function record(runnerId: string, seq: number, series: Series[]): IntervalRecord {
  return {
    v: 1,
    runId: 'r1',
    region: 'eu',
    runnerId,
    seq,
    startMs: seq * 1000,
    endMs: (seq + 1) * 1000,
    series,
  };
}

const reqs = (status: string, value: number): Series => ({
  metric: 'http_reqs',
  contains: 'default',
  tags: { status, method: 'GET' },
  type: 'counter',
  value,
});
const checks = (check: string, nonzero: number, total: number): Series => ({
  metric: 'checks',
  contains: 'default',
  tags: { check },
  type: 'rate',
  nonzero,
  total,
});
const gauge = (metric: string, value: number, min = value, max = value): Series => ({
  metric,
  contains: 'default',
  tags: {},
  type: 'gauge',
  value,
  min,
  max,
});

describe('mergeAggregate', () => {
  it('adds counters, rates and trends; a gauge takes the later value and combined min/max', () => {
    expect(mergeAggregate({ type: 'counter', value: 2 }, { type: 'counter', value: 3 })).toEqual({
      type: 'counter',
      value: 5,
    });
    expect(
      mergeAggregate({ type: 'rate', nonzero: 1, total: 4 }, { type: 'rate', nonzero: 2, total: 2 }),
    ).toEqual({
      type: 'rate',
      nonzero: 3,
      total: 6,
    });
    expect(
      mergeAggregate(
        { type: 'gauge', value: 5, min: 1, max: 9 },
        { type: 'gauge', value: 3, min: 3, max: 4 },
      ),
    ).toEqual({ type: 'gauge', value: 3, min: 1, max: 9 });
    expect(() =>
      mergeAggregate({ type: 'counter', value: 1 }, { type: 'rate', nonzero: 0, total: 1 }),
    ).toThrow();
  });
});

describe('MetricTable', () => {
  it('sums counters and rates across runners and intervals, with submetric filters', () => {
    const t = new MetricTable();
    t.addRecord(record('a', 0, [reqs('200', 10), reqs('500', 1), checks('ok', 9, 10)]));
    t.addRecord(record('b', 0, [reqs('200', 20), checks('ok', 20, 20), checks('body', 1, 2)]));
    t.addRecord(record('a', 1, [reqs('200', 5)]));

    expect(t.select('http_reqs')?.agg).toEqual({ type: 'counter', value: 36 });
    expect(t.select('http_reqs', { status: '200' })?.agg).toEqual({ type: 'counter', value: 35 });
    expect(t.select('http_reqs', { status: '200', method: 'GET' })?.agg).toEqual({
      type: 'counter',
      value: 35,
    });
    expect(t.select('http_reqs', { status: '404' })).toBeUndefined();
    expect(t.select('checks')?.agg).toEqual({ type: 'rate', nonzero: 30, total: 32 });
    expect(t.select('checks', { check: 'ok' })?.agg).toEqual({ type: 'rate', nonzero: 29, total: 30 });
    expect(t.tagValues('checks', 'check')).toEqual(['body', 'ok']);
    expect(t.metricNames()).toEqual(['checks', 'http_reqs']);
    expect(t.typeOf('checks')).toBe('rate');
    expect(t.containsOf('http_reqs')).toBe('default');
    expect(t.select('nope')).toBeUndefined();
  });

  it('ignores a record it already applied (same runner, same or older seq)', () => {
    const t = new MetricTable();
    expect(t.addRecord(record('a', 0, [reqs('200', 10)]))).toBe(true);
    expect(t.addRecord(record('a', 0, [reqs('200', 10)]))).toBe(false);
    expect(t.addRecord(record('a', 1, [reqs('200', 1)]))).toBe(true);
    expect(t.lastSeqOf('a')).toBe(1);
    expect(t.select('http_reqs')?.agg).toEqual({ type: 'counter', value: 11 });
  });

  it('merges trends of all runners into the pooled distribution', () => {
    const a = Array.from({ length: 5000 }, (_, i) => 1 + (i % 100) / 10);
    const b = Array.from({ length: 5000 }, (_, i) => 5 + (i % 50));
    const t = new MetricTable();
    t.add(trend('http_req_duration', { status: '200' }, a), 'a');
    t.add(trend('http_req_duration', { status: '200' }, b.slice(0, 2500)), 'b');
    t.add(trend('http_req_duration', { status: '500' }, b.slice(2500)), 'b');
    const all = t.select('http_req_duration');
    const ok = t.select('http_req_duration', { status: '200' });
    expect(all?.type).toBe('trend');
    if (all?.agg.type !== 'trend' || ok?.agg.type !== 'trend') throw new Error('expected trends');
    expect(all.agg.hist.count).toBe(10_000);
    expect(ok.agg.hist.count).toBe(7500);
    expect(all.agg.hist.min).toBe(1);
    expect(all.agg.hist.max).toBe(54);
    const sorted = [...a, ...b].sort((x, y) => x - y);
    const exact = sorted[Math.round(0.5 * (sorted.length - 1))]!;
    expect(Math.abs(histogramQuantile(all.agg.hist, 0.5)! - exact) / exact).toBeLessThan(0.02);
  });

  it('combines vus as the sum over runners and other gauges as the max of latest values', () => {
    const t = new MetricTable();
    t.addRecord(record('a', 0, [gauge('vus', 5), gauge('vus_max', 10), gauge('queue', 7, 2, 9)]));
    t.addRecord(record('b', 0, [gauge('vus', 3), gauge('vus_max', 10), gauge('queue', 4, 1, 4)]));
    t.addRecord(record('a', 1, [gauge('vus', 10), gauge('queue', 3)]));

    expect(t.select('vus')?.agg).toEqual({ type: 'gauge', value: 13, min: 8, max: 13 });
    expect(t.select('vus_max')?.agg).toEqual({ type: 'gauge', value: 20, min: 20, max: 20 });
    // a's latest is 3, b's latest is 4 → 4; min over everything 1; max 9.
    expect(t.select('queue')?.agg).toEqual({ type: 'gauge', value: 4, min: 1, max: 9 });
  });

  it('round-trips through JSON (and clones) without losing anything', () => {
    const t = new MetricTable();
    t.addRecord(
      record('a', 0, [reqs('200', 10), checks('ok', 1, 2), gauge('vus', 4), trend('x', {}, [1, 2, 3])]),
    );
    t.addRecord(record('b', 3, [gauge('vus', 6)]));
    const json = JSON.parse(JSON.stringify(t.toJSON()));
    const back = MetricTable.fromJSON(json);
    const copy = t.clone();
    for (const u of [back, copy]) {
      expect(u.metricNames()).toEqual(t.metricNames());
      for (const m of t.metricNames()) expect(u.select(m)).toEqual(t.select(m));
      expect(u.lastSeqOf('b')).toBe(3);
      expect(u.addRecord(record('b', 3, [gauge('vus', 100)]))).toBe(false);
    }
    // Gauge ordering survives: a later update from a still wins after the round trip.
    back.add(gauge('vus', 1), 'a');
    expect(back.select('vus')?.agg).toMatchObject({ value: 7 });
    // The clone is independent of the original.
    copy.add(reqs('200', 1000), 'a');
    expect(t.select('http_reqs')?.agg).toEqual({ type: 'counter', value: 10 });
  });

  it('rejects a series whose type contradicts the metric', () => {
    const t = new MetricTable();
    t.add(reqs('200', 1), 'a');
    expect(() => t.add({ ...checks('x', 1, 1), metric: 'http_reqs' }, 'a')).toThrow(/counter/);
  });
});

describe('SeriesAccumulator', () => {
  it('gives one series per metric × tags, merged in arrival order', () => {
    const acc = new SeriesAccumulator();
    acc.add(reqs('200', 1));
    acc.add({ ...reqs('200', 2), tags: { method: 'GET', status: '200' } }); // same tags, other order
    acc.add(reqs('500', 1));
    acc.add(gauge('vus', 3));
    acc.add(gauge('vus', 2));
    const out = acc.drain();
    expect(out).toHaveLength(3);
    expect(out.find((s) => s.metric === 'http_reqs' && s.tags.status === '200')).toMatchObject({ value: 3 });
    expect(out.find((s) => s.metric === 'vus')).toMatchObject({ value: 2, min: 2, max: 3 });
    expect(acc.drain()).toEqual([]);
  });
});
