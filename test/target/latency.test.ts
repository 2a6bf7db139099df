import { describe, expect, it } from 'vitest';
import { latencySampler } from '../../target/latency';
import type { Latency } from '../../target/profile';
import { seededRandom } from '../../target/random';
import { startTargetServer } from '../../target/server';
import { timedGet } from './http-client';

function draws(latency: Latency, n: number, seed = 7): number[] {
  const random = seededRandom(seed);
  const sample = latencySampler(latency);
  return Array.from({ length: n }, () => sample(random));
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;

describe('latency samplers', () => {
  it('draw the configured distributions', () => {
    // Act
    const fixed = draws({ kind: 'fixed', ms: 12 }, 100);
    const uniform = draws({ kind: 'uniform', minMs: 10, maxMs: 30 }, 20_000);
    const normal = draws({ kind: 'normal', meanMs: 50, sdMs: 10 }, 20_000);
    const clamped = draws({ kind: 'normal', meanMs: 1, sdMs: 10 }, 20_000);
    const lognormal = draws({ kind: 'lognormal', medianMs: 20, sigma: 0.5 }, 20_000);

    // Assess
    expect(new Set(fixed)).toEqual(new Set([12]));
    expect(Math.min(...uniform)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...uniform)).toBeLessThanOrEqual(30);
    expect(mean(uniform)).toBeCloseTo(20, 0);
    expect(mean(normal)).toBeCloseTo(50, 0);
    const sd = Math.sqrt(mean(normal.map((x) => (x - 50) ** 2)));
    expect(sd).toBeGreaterThan(9.7);
    expect(sd).toBeLessThan(10.3);
    expect(Math.min(...clamped)).toBe(0);
    expect(quantile(lognormal, 0.5)).toBeGreaterThan(19.5);
    expect(quantile(lognormal, 0.5)).toBeLessThan(20.5);
    // p84 of a lognormal is median·e^sigma.
    expect(quantile(lognormal, 0.8413) / 20).toBeCloseTo(Math.exp(0.5), 1);
  });

  it('are reproducible for a seed and differ across seeds', () => {
    // Act
    const a = draws({ kind: 'lognormal', medianMs: 5, sigma: 1 }, 50, 42);
    const b = draws({ kind: 'lognormal', medianMs: 5, sigma: 1 }, 50, 42);
    const c = draws({ kind: 'lognormal', medianMs: 5, sigma: 1 }, 50, 43);

    // Assess
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
});

describe('target latency as measured', () => {
  it('never answers a fixed-latency route early, server-side or client-side', async () => {
    // Prepare
    const server = await startTargetServer({
      profile: { routes: { '/': { latency: { kind: 'fixed', ms: 25 } } } },
    });
    try {
      // Act
      const results = [];
      for (let i = 0; i < 20; i++) results.push(await timedGet(`${server.url}/`));

      // Assess
      for (const r of results) {
        expect(r.status).toBe(200);
        expect(r.serverMs).toBeGreaterThanOrEqual(25);
        expect(r.clientMs).toBeGreaterThanOrEqual(25);
      }
      // Loose upper bound: a shared, loaded 2-core machine delays timers.
      expect(
        quantile(
          results.map((r) => r.serverMs),
          0.5,
        ),
      ).toBeLessThan(60);
    } finally {
      await server.close();
    }
  });

  it('follows uniform and lognormal profiles within loose bounds', async () => {
    // Prepare
    const server = await startTargetServer({
      profile: {
        seed: 3,
        routes: {
          '/u': { latency: { kind: 'uniform', minMs: 20, maxMs: 60 } },
          '/ln': { latency: { kind: 'lognormal', medianMs: 30, sigma: 0.4 } },
        },
      },
    });
    try {
      // Act: 10 requests in flight at a time, 200 per route.
      const measure = async (path: string) => {
        const out: Awaited<ReturnType<typeof timedGet>>[] = [];
        for (let round = 0; round < 20; round++) {
          out.push(
            ...(await Promise.all(Array.from({ length: 10 }, () => timedGet(`${server.url}${path}`)))),
          );
        }
        return out;
      };
      const uniform = await measure('/u');
      const lognormal = await measure('/ln');

      // Assess: lower bounds are firm (never early); upper ones allow for a busy machine.
      const uServer = uniform.map((r) => r.serverMs);
      expect(Math.min(...uServer)).toBeGreaterThanOrEqual(20);
      expect(mean(uServer)).toBeGreaterThan(38);
      expect(mean(uServer)).toBeLessThan(55);
      expect(mean(uniform.map((r) => r.clientMs))).toBeGreaterThanOrEqual(mean(uServer));
      const lnMedian = quantile(
        lognormal.map((r) => r.serverMs),
        0.5,
      );
      expect(lnMedian).toBeGreaterThan(27);
      expect(lnMedian).toBeLessThan(42);
      const lnP90 = quantile(
        lognormal.map((r) => r.clientMs),
        0.9,
      );
      // Configured p90 = 30·e^(1.2816·0.4) ≈ 50 ms.
      expect(lnP90).toBeGreaterThan(42);
      expect(lnP90).toBeLessThan(90);
    } finally {
      await server.close();
    }
  });
});
