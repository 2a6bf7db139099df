import { KEPT_TAGS, type Plan, type RunInput, type ThresholdSpec } from '../../contracts';
import { parseMetricSelector } from '../thresholds/parse-selector';
import { PLAN_DEFAULTS } from './plan-defaults';
import { InvalidInputError } from './plan-errors';
import { runnerVuLimit } from './runner-vu-limit';
import { planSegments } from './segments';

/** Facts about the script that the adapter gathered (k6 inspect + source scan). */
export interface ScriptFacts {
  key: string;
  sha256: string;
  hasSetup: boolean;
  hasTeardown: boolean;
  maxVUs: number;
  totalDurationMs: number;
  thresholds: Record<string, ThresholdSpec[]>;
  summaryTrendStats: string[];
}

const fmtMs = (ms: number) =>
  ms >= 60_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 1000).toFixed(1)} s`;

/**
 * Turns a validated run input plus the script's facts into the plan every part of the
 * fleet follows. Pure: no I/O, so every rejection is unit-testable.
 */
export function buildPlan(
  input: RunInput,
  facts: ScriptFacts,
  ctx: {
    runId: string;
    now: number;
    runnerLimitMs: number | null;
    /** The runner's memory (AWS: the configured Lambda memory); null = unknown (local). */
    runnerMemoryMb?: number | null;
  },
): Plan {
  const regions = input.regions ?? [...PLAN_DEFAULTS.regions];
  const maxVUs = facts.maxVUs;
  if (maxVUs < 1)
    throw new InvalidInputError('the script runs no VUs (k6 inspect reports maxVUs 0): give it a scenario');

  // The runner's walls (file descriptors, memory) cap whatever the input asks for: more
  // VUs are split across more runners, or refused when the runner count is fixed.
  const wall = runnerVuLimit(ctx.runnerMemoryMb ?? null);
  const requested = input.maxVusPerRunner ?? PLAN_DEFAULTS.maxVusPerRunner;
  const cap = Math.min(requested, wall.vus);
  const perRegion = regions.map((r) => ({
    name: r.name,
    weight: r.weight,
    runners: input.runnersPerRegion ?? Math.max(1, Math.ceil((maxVUs * r.weight) / 100 / cap)),
  }));
  const runnerCount = perRegion.reduce((s, r) => s + r.runners, 0);
  if (runnerCount > maxVUs) {
    throw new InvalidInputError(
      `the plan has ${runnerCount} runners but the script has only ${maxVUs} VU(s): every runner needs at least one VU — use fewer regions or --runners-per-region, or more VUs`,
    );
  }

  const seg = planSegments(perRegion);
  const runners = seg.runners.map((r) => {
    const expectedVUs = Math.ceil(maxVUs * r.share - 1e-9);
    return {
      runnerId: `${r.region}-${r.index}`,
      region: r.region,
      index: r.index,
      segment: r.segment,
      share: r.share,
      expectedVUs,
    };
  });
  const overCap = runners.find((r) => r.expectedVUs > cap);
  if (overCap) {
    const limit =
      cap === wall.vus
        ? `the runner limit of ${cap} VUs (set by ${wall.by}: ${wall.detail})`
        : `the cap of ${cap} per runner`;
    throw new InvalidInputError(
      `runner ${overCap.runnerId} would run ${overCap.expectedVUs} VUs, over ${limit}: raise --runners-per-region, or leave it out so the planner adds runners`,
    );
  }
  const thin = runners.find((r) => maxVUs * r.share < 1);
  if (thin) {
    throw new InvalidInputError(
      `runner ${thin.runnerId} gets ${(maxVUs * thin.share).toFixed(2)} of the script's ${maxVUs} VUs (k6 would give it none): give small regions fewer runners or raise the VUs`,
    );
  }

  if (ctx.runnerLimitMs !== null && facts.totalDurationMs > ctx.runnerLimitMs) {
    throw new InvalidInputError(
      `the test lasts up to ${fmtMs(facts.totalDurationMs)} (k6 inspect totalDuration, incl. graceful stops) but a runner can run at most ${fmtMs(ctx.runnerLimitMs)}: shorten the scenarios (or their maxDuration)`,
    );
  }

  const extraTagKeys = new Set<string>();
  for (const selector of Object.keys(facts.thresholds)) {
    for (const key of Object.keys(parseMetricSelector(selector).tags)) {
      if (!(KEPT_TAGS as readonly string[]).includes(key)) extraTagKeys.add(key);
    }
  }

  const env = input.env ?? {};
  return {
    v: 1,
    runId: ctx.runId,
    testName: input.testName ?? 'k6-test',
    createdAt: ctx.now,
    script: {
      key: facts.key,
      sha256: facts.sha256,
      hasSetup: facts.hasSetup,
      hasTeardown: facts.hasTeardown,
    },
    requirements: { maxVUs, totalDurationMs: facts.totalDurationMs },
    thresholds: facts.thresholds,
    summaryTrendStats: facts.summaryTrendStats,
    extraTagKeys: [...extraTagKeys].sort(),
    segmentSequence: seg.sequence,
    regions: perRegion,
    runners,
    setupRunnerId: runners[0]?.runnerId ?? '',
    timing: {
      intervalMs: (input.intervalSeconds ?? PLAN_DEFAULTS.intervalSeconds) * 1000,
      controlPollMs: PLAN_DEFAULTS.controlPollMs,
      heartbeatTimeoutMs: (input.heartbeatTimeoutSeconds ?? PLAN_DEFAULTS.heartbeatTimeoutSeconds) * 1000,
      startLeadMs: PLAN_DEFAULTS.startLeadMs,
      readyTimeoutMs: PLAN_DEFAULTS.readyTimeoutMs,
      maxRunMs: facts.totalDurationMs + PLAN_DEFAULTS.runGraceMs,
    },
    envKeys: Object.keys(env).sort(),
    tags: input.tags ?? {},
    limits: {
      maxVusPerRunner: cap,
      runnerLimitMs: ctx.runnerLimitMs,
      runnerVuLimit: { vus: wall.vus, by: wall.by },
    },
  };
}
