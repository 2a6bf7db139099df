import { describe, expect, it } from 'vitest';
import { buildPlan, type ScriptFacts } from '../../functions/core/planner/build-plan';
import { InvalidInputError } from '../../functions/core/planner/plan-errors';

const facts = (over: Partial<ScriptFacts> = {}): ScriptFacts => ({
  key: 'runs/r/script.js',
  sha256: 'x',
  hasSetup: false,
  hasTeardown: false,
  maxVUs: 60,
  totalDurationMs: 60_000,
  thresholds: {
    'http_req_duration{name:login}': [{ expr: 'p(95)<200', abortOnFail: false, delayAbortEvalMs: 0 }],
  },
  summaryTrendStats: ['avg', 'p(95)'],
  ...over,
});
const ctx = { runId: 'r', now: 1_000, runnerLimitMs: null };
const regions = [
  { name: 'us-east-1', weight: 50 },
  { name: 'eu-west-1', weight: 30 },
  { name: 'ap-southeast-2', weight: 20 },
];

describe('buildPlan', () => {
  it('splits weighted regions into runners with segments and keeps threshold tag keys', () => {
    const plan = buildPlan({ script: { inline: 'x' }, regions, runnersPerRegion: 2 }, facts(), ctx);
    expect(plan.runners.map((r) => r.runnerId)).toEqual([
      'us-east-1-0',
      'us-east-1-1',
      'eu-west-1-0',
      'eu-west-1-1',
      'ap-southeast-2-0',
      'ap-southeast-2-1',
    ]);
    expect(plan.runners.map((r) => r.expectedVUs)).toEqual([15, 15, 9, 9, 6, 6]);
    expect(plan.extraTagKeys).toEqual(['name']);
    expect(plan.setupRunnerId).toBe('us-east-1-0');
  });

  it('adds runners to stay under the VU cap', () => {
    const plan = buildPlan({ script: { inline: 'x' }, regions, maxVusPerRunner: 10 }, facts(), ctx);
    expect(plan.regions.map((r) => r.runners)).toEqual([3, 2, 2]);
    expect(Math.max(...plan.runners.map((r) => r.expectedVUs))).toBeLessThanOrEqual(10);
  });

  it('rejects more runners than VUs, naming the fix', () => {
    expect(() =>
      buildPlan({ script: { inline: 'x' }, regions, runnersPerRegion: 2 }, facts({ maxVUs: 4 }), ctx),
    ).toThrow(/6 runners but the script has only 4 VU/);
  });

  it('rejects a test longer than the runner limit', () => {
    const err = (() => {
      try {
        buildPlan({ script: { inline: 'x' }, regions }, facts({ totalDurationMs: 20 * 60_000 }), {
          ...ctx,
          runnerLimitMs: 13 * 60_000,
        });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as Error).message).toMatch(/lasts up to 20\.0 min .* at most 13\.0 min/);
  });
});
