import type { Plan, RunInput, ThresholdSpec } from '../../contracts';
import type { ScenarioOptions } from '../../contracts/relay';
import { placeRunners } from './place-runners';
import { PLAN_DEFAULTS } from './plan-defaults';
import { InvalidInputError } from './plan-errors';
import { planRelay, type RelayBudget } from './relay-windows';
import { thresholdTagKeys } from './threshold-tag-keys';

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
  /** The scenarios k6 runs (scenariosFromOptions): what relay windows cut. */
  scenarios?: Record<string, ScenarioOptions>;
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
    /** The runner Lambda's architecture (AWS); with runnerMemoryMb it prices the run. */
    runnerArchitecture?: 'arm64' | 'x86_64';
    /** A runner invocation's limit and margins: a longer test runs as relay windows. */
    relayBudget?: RelayBudget | null;
  },
): Plan {
  const regions = input.regions ?? [...PLAN_DEFAULTS.regions];
  const maxVUs = facts.maxVUs;
  if (maxVUs < 1)
    throw new InvalidInputError('the script runs no VUs (k6 inspect reports maxVUs 0): give it a scenario');

  const { cap, wall, perRegion, seg, runners } = placeRunners(
    input,
    regions,
    maxVUs,
    ctx.runnerMemoryMb ?? null,
  );

  // Relay windows lift the runner limit: each window fits one invocation (or the input is refused).
  const relay = ctx.relayBudget ? planRelay(facts.scenarios ?? {}, ctx.relayBudget) : null;
  if (!ctx.relayBudget && ctx.runnerLimitMs !== null && facts.totalDurationMs > ctx.runnerLimitMs) {
    throw new InvalidInputError(
      `the test lasts up to ${fmtMs(facts.totalDurationMs)} (k6 inspect totalDuration, incl. graceful stops) but a runner can run at most ${fmtMs(ctx.runnerLimitMs)}: shorten the scenarios (or their maxDuration)`,
    );
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
    extraTagKeys: thresholdTagKeys(facts.thresholds),
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
    ...(relay ? { relay } : {}),
    envKeys: Object.keys(env).sort(),
    tags: input.tags ?? {},
    ...(ctx.runnerMemoryMb && ctx.runnerArchitecture
      ? { runnerFunction: { memoryMb: ctx.runnerMemoryMb, architecture: ctx.runnerArchitecture } }
      : {}),
    limits: {
      maxVusPerRunner: cap,
      runnerLimitMs: ctx.runnerLimitMs,
      runnerVuLimit: { vus: wall.vus, by: wall.by },
    },
  };
}
