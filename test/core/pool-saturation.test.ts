import { describe, expect, it } from 'vitest';
import type { LiveStats, RollupPoint, ServerSample } from '../../functions/contracts';
import { poolSaturationFindings } from '../../functions/core/anomaly/pool-saturation';

const point = (i: number, p95: number): RollupPoint => ({
  t: i * 2000,
  elapsedMs: i * 2000,
  global: { p95, rps: 100, vus: 10, errorRate: 0, requests: 200 } as LiveStats,
  regions: {},
});
const sample = (series: string, value: number): ServerSample => ({
  series,
  value,
  source: 'http://127.0.0.1:1/metrics',
});
const history = [point(0, 20), point(1, 22), point(2, 21), point(3, 19)];

describe('pool saturation anomaly', () => {
  it('fires when a pool is pinned at its size while p95 climbs', () => {
    // Act
    const findings = poolSaturationFindings(
      [sample('app_db_pool_in_use', 4), sample('app_db_pool_size', 4), sample('app_db_pool_waiting', 9)],
      point(4, 90),
      history,
    );

    // Assess
    expect(findings).toEqual([
      {
        key: 'pool-saturated:app_db_pool_in_use',
        kind: 'pool-saturated',
        message:
          'app_db_pool_in_use pinned at its size 4, 9 waiting while p95 latency climbs to 90.0 ms (baseline 20.5 ms)',
      },
    ]);
  });

  it('stays quiet with headroom in the pool, with flat latency, or without a baseline', () => {
    // Prepare
    const pinned = [sample('pg_pool_active{db="shop"}', 10), sample('pg_pool_max{db="shop"}', 10)];

    // Assess
    expect(
      poolSaturationFindings(
        [sample('app_db_pool_in_use', 3), sample('app_db_pool_size', 4)],
        point(4, 90),
        history,
      ),
    ).toEqual([]);
    expect(poolSaturationFindings(pinned, point(4, 25), history)).toEqual([]);
    expect(poolSaturationFindings(pinned, point(2, 90), history.slice(0, 2))).toEqual([]);
    expect(poolSaturationFindings(pinned, point(4, 90), history)).toHaveLength(1);
  });
});
