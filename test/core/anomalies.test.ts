import { describe, expect, it } from 'vitest';
import type { LiveStats, RollupPoint } from '../../functions/contracts';
import { findAnomalies, newAnomalies } from '../../functions/core/anomaly/detect-anomalies';

const stats = (over: Partial<LiveStats> = {}): LiveStats => ({
  rps: 100,
  vus: 10,
  errorRate: 0.001,
  p50: 3,
  p90: 6,
  p95: 8,
  p99: 12,
  requests: 200,
  iterations: 200,
  dataSent: 0,
  dataReceived: 0,
  checksRate: 1,
  ...over,
});
const point = (
  i: number,
  global: Partial<LiveStats> = {},
  regions: Record<string, Partial<LiveStats>> = {},
) =>
  ({
    t: i * 2000,
    elapsedMs: i * 2000,
    global: stats(global),
    regions: Object.fromEntries(
      Object.entries({ 'eu-west-1': {}, 'us-east-1': {}, ...regions }).map(([r, s]) => [r, stats(s)]),
    ),
  }) satisfies RollupPoint;
const steady = [1, 2, 3, 4, 5].map((i) => point(i));

describe('anomaly rules', () => {
  it('find nothing in a steady run', () => {
    expect(findAnomalies(point(6), steady)).toEqual([]);
  });

  it('need a baseline before judging', () => {
    expect(findAnomalies(point(2, { errorRate: 0.5 }), steady.slice(0, 2))).toEqual([]);
  });

  it('flag an error-rate spike, a latency jump and a throughput drop against the baseline', () => {
    const kinds = (p: RollupPoint) => findAnomalies(p, steady).map((f) => `${f.kind}:${f.region ?? 'fleet'}`);
    expect(kinds(point(6, { errorRate: 0.2 }))).toEqual(['error-spike:fleet']);
    expect(kinds(point(6, { p95: 30 }))).toEqual(['latency-jump:fleet']);
    expect(kinds(point(6, { rps: 30 }))).toEqual(['throughput-drop:fleet']);
    // Fewer requests because VUs ramp down is not a drop.
    expect(kinds(point(6, { rps: 30, vus: 3 }))).toEqual([]);
  });

  it('flag a region far slower than the others', () => {
    const found = findAnomalies(point(6, {}, { 'ap-southeast-2': { p95: 40 } }), steady);
    expect(found.map((f) => f.key)).toEqual(['region-outlier:ap-southeast-2']);
    expect(found[0]?.message).toBe("p95 in ap-southeast-2 40.0 ms, over twice the other regions' 8.0 ms");
  });

  it('report each condition once per episode', () => {
    const spike = findAnomalies(point(6, { errorRate: 0.2 }), steady);
    const first = newAnomalies(spike, [], 12_000);
    expect(first.anomalies).toEqual([
      { at: 12_000, kind: 'error-spike', message: 'error rate 20.0% (baseline 0.1%)' },
    ]);
    expect(newAnomalies(spike, first.active, 14_000).anomalies).toEqual([]);
    const cleared = newAnomalies([], first.active, 16_000);
    expect(newAnomalies(spike, cleared.active, 18_000).anomalies).toHaveLength(1);
  });
});
