import type { App } from 'aws-cdk-lib';
import type { FleetConfig } from './config/fleet-config-schema';
import { fleetNames } from './config/fleet-names';
import { ControlStack } from './stacks/control-stack';
import { RunnerStack } from './stacks/runner-stack';

export interface FleetStacks {
  readonly control: ControlStack;
  readonly runners: readonly RunnerStack[];
}

export interface BuildFleetOptions {
  /** Folder with bin/k6 for config.runner.architecture. */
  readonly k6LayerDir: string;
  /** @default config.account, else CDK_DEFAULT_ACCOUNT (set by the CDK CLI) */
  readonly account?: string;
}

/** The whole fleet: one control stack in the home region, one runner stack per runner region. */
export function buildFleet(app: App, config: FleetConfig, opts: BuildFleetOptions): FleetStacks {
  const account = opts.account ?? config.account ?? process.env.CDK_DEFAULT_ACCOUNT;
  const names = fleetNames(config, account ?? 'unknown');
  const description = 'k6-fleet: serverless multi-region load generation with k6';
  const control = new ControlStack(app, names.controlStack, {
    env: { account, region: config.homeRegion },
    description: `${description} (control plane)`,
    config,
    k6LayerDir: opts.k6LayerDir,
  });
  const runners = config.runnerRegions.map(
    (r) =>
      new RunnerStack(app, names.runnerStack(r.region), {
        env: { account, region: r.region },
        description: `${description} (runners in ${r.region})`,
        config,
        runnerRegion: r.region,
        k6LayerDir: opts.k6LayerDir,
      }),
  );
  return { control, runners };
}
