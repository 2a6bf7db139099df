import type { FleetConfig } from './fleet-config-schema';

/**
 * Physical names that are derived, not exported: the runner stacks (other regions) and
 * the control stack (home region) agree on them without any cross-stack reference, so
 * the stacks deploy in any order and never lock each other's updates.
 *
 * `account` may be a token (`${AWS::AccountId}`): each stack then resolves it to the
 * deploying account, which is the same for all stacks of the fleet.
 */
export function fleetNames(config: FleetConfig, account: string) {
  const n = config.name;
  return {
    controlStack: `${n}-control`,
    runnerStack: (region: string) => `${n}-runners-${region}`,
    bucket: config.bucket.name ?? `${n}-runs-${account}-${config.homeRegion}`,
    runnerFunction: `${n}-runner`,
    stateMachine: `${n}-run`,
  };
}
export type FleetNames = ReturnType<typeof fleetNames>;
