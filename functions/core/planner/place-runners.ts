import type { RunInput } from '../../contracts';
import { PLAN_DEFAULTS } from './plan-defaults';
import { InvalidInputError } from './plan-errors';
import { runnerVuLimit } from './runner-vu-limit';
import { planSegments } from './segments';

/**
 * How many runners each region gets and which execution segment each runs, within the VU
 * cap per runner; refuses placements k6 could not run (a runner with no VU, one over the cap).
 */
export function placeRunners(
  input: RunInput,
  regions: Array<{ name: string; weight: number }>,
  maxVUs: number,
  runnerMemoryMb: number | null,
) {
  // The runner's walls (file descriptors, memory) cap whatever the input asks for: more
  // VUs are split across more runners, or refused when the runner count is fixed.
  const wall = runnerVuLimit(runnerMemoryMb);
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

  return { cap, wall, perRegion, seg, runners };
}
