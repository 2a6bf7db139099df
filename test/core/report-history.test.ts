import { describe, expect, it } from 'vitest';
import type { HistoryIndexEntry } from '../../functions/contracts/history-record';
import { historySection } from '../../functions/core/report/report-history';

// 30 runs, p95 ~100 ms then ~130 ms from run 18 on (a planted shift); rps and errors flat.
// Fixed pseudo-random noise of ±4 ms (mulberry32, seed 7).
const noise = (i: number) => {
  let t = (7 + (i + 1) * 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 8 - 4;
};
const entry = (i: number): HistoryIndexEntry =>
  ({
    v: 2,
    runId: `run-${String(i).padStart(2, '0')}`,
    testName: 'shop',
    startAt: i * 3_600_000,
    endAt: i * 3_600_000 + 60_000,
    durationMs: 60_000,
    verdict: 'passed',
    exitCode: 0,
    headline: {
      requests: 6000,
      rps: 100,
      p50: 50,
      p90: 90,
      p95: (i < 18 ? 100 : 130) + noise(i),
      p99: 150,
      errorRate: 0.01,
      iterations: 6000,
      checksRate: 1,
    },
    regionHeadlines: {},
  }) as HistoryIndexEntry;

describe("the report's History section", () => {
  it('marks the planted shift at the right run and says so in the change-point table', () => {
    const entries = Array.from({ length: 30 }, (_, i) => entry(i));
    const html = historySection({ entries, total: 30 });
    expect(html).toContain('<h2>History</h2>');
    const rows = [...html.matchAll(/<tr><td>([^<]+)<\/td><td><code>([^<]+)<\/code>/g)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(rows).toEqual([['p95 latency', 'run-18']]);
    // The p95 sparkline has its mark before the 19th bar.
    const p95 = html.split('\n').find((l) => l.startsWith('p95 latency'))!;
    expect(p95.slice(13).indexOf('│')).toBe(18);
  });

  it('says when there is no change point, and shows nothing for a first run', () => {
    const flat = Array.from({ length: 8 }, (_, i) => ({
      ...entry(i),
      headline: { ...entry(0).headline, p95: 100 },
    }));
    expect(historySection({ entries: flat, total: 40 })).toContain('No change points over these runs');
    expect(historySection({ entries: flat, total: 40 })).toContain('the last 8 of 40 runs');
    expect(historySection({ entries: [entry(0)], total: 1 })).toBe('');
  });
});
