import { describe, expect, it } from 'vitest';
import { AWS_PRICES } from '../../functions/core/cost/aws-price-table';
import { estimateRunCost, type RunFacts } from '../../functions/core/cost/estimate-run-cost';
import { runFactsOfPlan } from '../../functions/core/cost/run-facts';
import { buildPlan } from '../../functions/core/planner/build-plan';

// A 10-minute run on 4 runners of 2,048 MB arm64, 1 s intervals, 5 s watch ticks.
const facts: RunFacts = {
  runners: 4,
  runnerWallMs: 4 * 600_000,
  runnerMemoryMb: 2048,
  architecture: 'arm64',
  intervalRecords: 1200,
  watchTicks: 120,
  timelineWindows: 300,
  controlPollMs: 500,
  timestreamWrites: 10_000,
  dataSentBytes: 2e9,
};

describe('the AWS cost estimate', () => {
  it('matches a hand computation, line by line', () => {
    // Act
    const cost = estimateRunCost(facts, AWS_PRICES, ['hand-checked']);
    // Assess — by hand, with the us-east-1 list prices of the table:
    const byItem = Object.fromEntries(cost.items.map((i) => [i.item, i]));
    // 2,400 s × 2 GB = 4,800 GB-s × $0.0000133334 = $0.06400032
    expect(byItem['Runner Lambda compute (arm64)']?.quantity).toBe(4800);
    expect(byItem['Runner Lambda compute (arm64)']?.costUsd).toBeCloseTo(0.06400032, 10);
    // 120 ticks × 0.5 s × 1 GB = 60, + 0.3 × 0.5 + 3 × 1769/1024 + 1 + 2 = 68.3326171875 GB-s
    expect(byItem['Control Lambda compute (arm64)']?.quantity).toBeCloseTo(68.3326171875, 9);
    expect(byItem['Control Lambda compute (arm64)']?.costUsd).toBeCloseTo(0.000911106118, 11);
    // 4 runners + 120 ticks + 4 one-off invocations = 128 × $0.20 / 1e6
    expect(byItem['Lambda requests']).toMatchObject({ quantity: 128 });
    expect(byItem['Lambda requests']?.costUsd).toBeCloseTo(0.0000256, 12);
    // 10 + 3 × 120 = 370 transitions × $0.025 / 1000 = $0.00925
    expect(byItem['Step Functions state transitions']).toMatchObject({ quantity: 370 });
    expect(byItem['Step Functions state transitions']?.costUsd).toBeCloseTo(0.00925, 12);
    // PUT: 4 × 3 + 1,200 + 120 × 3 + 300 + 6 = 1,878 × $0.005 / 1000 = $0.00939
    expect(byItem['S3 PUT/LIST requests']).toMatchObject({ quantity: 1878 });
    expect(byItem['S3 PUT/LIST requests']?.costUsd).toBeCloseTo(0.00939, 12);
    // GET: 4,800 polls × 2 + 1,200 + 120 × (3 + 4) = 11,640 × $0.0004 / 1000 = $0.004656
    expect(byItem['S3 GET requests']).toMatchObject({ quantity: 11_640 });
    expect(byItem['S3 GET requests']?.costUsd).toBeCloseTo(0.004656, 12);
    // 10,000 writes × $0.50 / 1e6 = $0.005; 2 GB × $0.09 = $0.18
    expect(byItem['Timestream writes']?.costUsd).toBeCloseTo(0.005, 12);
    expect(byItem['Data out to the target']).toMatchObject({ quantity: 2 });
    expect(byItem['Data out to the target']?.costUsd).toBeCloseTo(0.18, 12);
    // Total: 0.06400032 + 0.000911106118 + 0.0000256 + 0.00925 + 0.00939 + 0.004656 + 0.005 + 0.18
    expect(cost.totalUsd).toBeCloseTo(0.273233026118, 10);
    expect(cost).toMatchObject({
      currency: 'USD',
      pricesAsOf: AWS_PRICES.asOf,
      priceRegion: 'us-east-1',
      assumptions: ['hand-checked'],
    });
  });

  it('x86_64 costs more per GB-s than arm64 for the same run', () => {
    const arm = estimateRunCost(facts, AWS_PRICES).items[0]!;
    const x86 = estimateRunCost({ ...facts, architecture: 'x86_64' }, AWS_PRICES).items[0]!;
    expect(x86.costUsd / arm.costUsd).toBeCloseTo(0.0000166667 / 0.0000133334, 9);
  });

  it('a plan is priced before it runs, from its runners, duration and the runner size', () => {
    // Prepare: 2 regions × 2 runners, 60 s, on 1,024 MB x86_64 runners.
    const plan = buildPlan(
      {
        script: { inline: 'x' },
        regions: [
          { name: 'a', weight: 50 },
          { name: 'b', weight: 50 },
        ],
        runnersPerRegion: 2,
      },
      {
        key: 'k',
        sha256: 's',
        hasSetup: false,
        hasTeardown: false,
        maxVUs: 40,
        totalDurationMs: 60_000,
        thresholds: {},
        summaryTrendStats: [],
      },
      { runId: 'r', now: 0, runnerLimitMs: null, runnerMemoryMb: 1024, runnerArchitecture: 'x86_64' },
    );
    const assumptions: string[] = [];
    // Act
    const f = runFactsOfPlan(plan, assumptions);
    // Assess: 4 runners × (5 s start + 1.5 s lead + 60 s) = 266 s at 1 GB.
    expect(f).toMatchObject({
      runners: 4,
      runnerWallMs: 266_000,
      runnerMemoryMb: 1024,
      architecture: 'x86_64',
    });
    expect(estimateRunCost(f, AWS_PRICES).items[0]?.costUsd).toBeCloseTo(266 * 0.0000166667, 10);
    expect(assumptions.join(' ')).toMatch(/data out to the target is not known before the run/);
  });
});
