import { describe, expect, it } from 'vitest';
import { buildPlan, type ScriptFacts } from '../../functions/core/planner/build-plan';
import { InvalidInputError } from '../../functions/core/planner/plan-errors';
import { RUNNER_LIMITS, runnerVuLimit } from '../../functions/core/planner/runner-vu-limit';

const facts = (maxVUs: number): ScriptFacts => ({
  key: 'runs/r/script.js',
  sha256: 'x',
  hasSetup: false,
  hasTeardown: false,
  maxVUs,
  totalDurationMs: 60_000,
  thresholds: {},
  summaryTrendStats: ['avg', 'p(95)'],
});
const ctx = { runId: 'r', now: 1_000, runnerLimitMs: null };
const regions = [
  { name: 'eu-west-1', weight: 50 },
  { name: 'us-east-1', weight: 50 },
];

describe('per-runner VU limits', () => {
  it('derive from 1,024 file descriptors, and from memory when it is lower', () => {
    expect(runnerVuLimit(null)).toMatchObject({ vus: 900, by: 'file descriptors' });
    // 10 GB of memory: the file descriptors are the wall.
    expect(runnerVuLimit(10_240)).toMatchObject({ vus: 900, by: 'file descriptors' });
    // 2,048 MB: (2048 − 256) / 3 = 597.3 → 597 VUs.
    expect(runnerVuLimit(2048)).toMatchObject({ vus: 597, by: 'memory' });
    expect(RUNNER_LIMITS.fileDescriptors).toBe(1024);
  });

  it('an input asking for 20,000 VUs per runner is split so no runner passes the fd cap', () => {
    // Act
    const plan = buildPlan({ script: { inline: 'x' }, regions, maxVusPerRunner: 20_000 }, facts(5000), ctx);
    // Assess: 2,500 VUs per region over ≤ 900 per runner → 3 runners each.
    expect(plan.regions.map((r) => r.runners)).toEqual([3, 3]);
    expect(Math.max(...plan.runners.map((r) => r.expectedVUs))).toBeLessThanOrEqual(900);
    expect(plan.runners.reduce((s, r) => s + r.share, 0)).toBeCloseTo(1, 9);
    expect(plan.limits).toMatchObject({
      maxVusPerRunner: 900,
      runnerVuLimit: { vus: 900, by: 'file descriptors' },
    });
  });

  it('on AWS the configured Lambda memory caps it when lower: 1,024 MB → 256 VUs', () => {
    const plan = buildPlan({ script: { inline: 'x' }, regions }, facts(1000), {
      ...ctx,
      runnerMemoryMb: 1024,
    });
    expect(plan.regions.map((r) => r.runners)).toEqual([2, 2]);
    expect(plan.runners.map((r) => r.expectedVUs)).toEqual([250, 250, 250, 250]);
  });

  it('a fixed runner count over the limit is refused, naming the limit', () => {
    const plan = () =>
      buildPlan({ script: { inline: 'x' }, regions, runnersPerRegion: 1 }, facts(2000), {
        ...ctx,
        runnerMemoryMb: 2048,
      });
    expect(plan).toThrow(InvalidInputError);
    expect(plan).toThrow(
      'runner eu-west-1-0 would run 1000 VUs, over the runner limit of 597 VUs (set by memory: 2048 MB of runner memory: 256 MB for the runner and k6, 3 MB per VU): raise --runners-per-region, or leave it out so the planner adds runners',
    );
  });
});
