import { type Plan, PlanSchema } from '../../../functions/contracts';

/** A schema-valid plan with `perRegion[region]` runners per region (ids `<region>-<i>`). */
export function planFixture(runId: string, perRegion: Record<string, number>): Plan {
  const regions = Object.entries(perRegion);
  const total = regions.reduce((s, [, n]) => s + n, 0);
  const runners = regions.flatMap(([region, n]) =>
    Array.from({ length: n }, (_, index) => ({
      runnerId: `${region}-${index}`,
      region,
      index,
      segment: '0:1',
      share: 1 / total,
      expectedVUs: 1,
    })),
  );
  return PlanSchema.parse({
    v: 1,
    runId,
    testName: 'fixture',
    createdAt: 1_700_000_000_000,
    script: { key: `runs/${runId}/script.js`, sha256: 'x', hasSetup: false, hasTeardown: false },
    requirements: { maxVUs: total, totalDurationMs: 10_000 },
    thresholds: {},
    summaryTrendStats: ['avg', 'p(95)'],
    extraTagKeys: [],
    segmentSequence: ['0', '1'],
    regions: regions.map(([name, n]) => ({ name, weight: (100 * n) / total, runners: n })),
    runners,
    setupRunnerId: runners[0]?.runnerId,
    timing: {
      intervalMs: 2000,
      controlPollMs: 500,
      heartbeatTimeoutMs: 30_000,
      startLeadMs: 1500,
      readyTimeoutMs: 120_000,
      maxRunMs: 70_000,
    },
    envKeys: [],
    tags: {},
    limits: { maxVusPerRunner: 300, runnerLimitMs: 780_000 },
  });
}
