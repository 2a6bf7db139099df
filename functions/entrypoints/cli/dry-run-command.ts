import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LocalRunStore } from '../../adapters/store/local-run-store';
import { ExitCode, type Plan } from '../../contracts';
import { AWS_PRICES } from '../../core/cost/aws-price-table';
import { estimateRunCost } from '../../core/cost/estimate-run-cost';
import { DEFAULT_RUNNER_FUNCTION, runFactsOfPlan } from '../../core/cost/run-facts';
import { LAMBDA_RUNNER_LIMIT_MS } from '../../core/planner/plan-defaults';
import { InvalidInputError } from '../../core/planner/plan-errors';
import { usd } from '../../core/report/report-cost';
import { planRun } from '../../engine/planner/plan-run';
import { readScript } from './read-script';
import type { RunFlags } from './run-command';
import { runInputFromFlags } from './run-input-from-flags';

const defaultK6 = () => process.env.K6_FLEET_K6 ?? resolve(import.meta.dirname, '../../../.tools/bin/k6');

function planLines(plan: Plan): string[] {
  const lines = [
    `plan: ${plan.runners.length} runner(s), max ${plan.requirements.maxVUs} VUs, ${plan.requirements.totalDurationMs / 1000} s (k6 inspect totalDuration)`,
  ];
  for (const r of plan.runners)
    lines.push(
      `  ${r.runnerId.padEnd(24)} ${r.region.padEnd(16)} segment ${r.segment.padEnd(12)} ~${r.expectedVUs} VUs`,
    );
  const wall = plan.limits.runnerVuLimit;
  lines.push(
    `  VUs per runner ≤ ${plan.limits.maxVusPerRunner}${wall ? ` (runner limit ${wall.vus}, set by ${wall.by})` : ''}`,
  );
  return lines;
}

/**
 * `k6-fleet run … --dry-run [--stack …]`: plans the run on this machine (the same planner,
 * k6 inspect with the pinned k6) and prints the plan and its estimated AWS cost; starts
 * nothing, uploads nothing, calls no AWS API. With --stack the plan uses the Lambda limits
 * (runner timeout, and the memory of the fleet's default runner) the deployed planner applies.
 */
export async function dryRunCommand(
  scriptPath: string,
  flags: RunFlags,
  out: Pick<NodeJS.WriteStream, 'write'> = process.stdout,
  err: Pick<NodeJS.WriteStream, 'write'> = process.stderr,
): Promise<number> {
  const scriptText = await readScript(scriptPath, (line) => err.write(`${line}\n`));
  if (scriptText === undefined) return ExitCode.invalidConfig;
  const dir = await mkdtemp(join(tmpdir(), 'k6-fleet-dry-run-'));
  try {
    const onAws = Boolean(flags.stack);
    const plan = await planRun(runInputFromFlags(scriptPath, { inline: scriptText }, flags), {
      store: new LocalRunStore(dir),
      k6Path: flags.k6 ?? defaultK6(),
      scriptText,
      runnerLimitMs: onAws ? LAMBDA_RUNNER_LIMIT_MS : null,
      runnerMemoryMb: onAws ? DEFAULT_RUNNER_FUNCTION.memoryMb : null,
      runnerArchitecture: onAws ? DEFAULT_RUNNER_FUNCTION.architecture : undefined,
    });
    const assumptions: string[] = [];
    if (onAws && !flags.region)
      assumptions.push(
        "planned over the regions given here (none: one region); the fleet's configured split applies on AWS",
      );
    const cost = estimateRunCost(runFactsOfPlan(plan, assumptions), AWS_PRICES, assumptions);
    const lines = [`dry run — nothing started${onAws ? ` on ${flags.stack}` : ''}`, ...planLines(plan), ''];
    lines.push(
      `estimated AWS cost: ${usd(cost.totalUsd)} (${cost.priceRegion} list prices of ${cost.pricesAsOf})`,
    );
    for (const i of cost.items)
      lines.push(
        `  ${i.item.padEnd(36)} ${`${Number(i.quantity.toFixed(3))} ${i.unit}`.padEnd(24)} ${usd(i.costUsd)}`,
      );
    for (const a of cost.assumptions) lines.push(`  · ${a}`);
    out.write(`${lines.join('\n')}\n`);
    return ExitCode.ok;
  } catch (e) {
    if (e instanceof InvalidInputError) {
      err.write(`k6-fleet: ${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
