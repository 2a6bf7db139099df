import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { FleetConfig, FleetConfigInput } from '../../../lib/config/fleet-config-schema';
import { parseFleetConfig } from '../../../lib/config/load-fleet-config';
import { buildFleet, type FleetStacks } from '../../../lib/fleet-app';
import { ensureK6LayerDir } from '../../../lib/k6-layer/k6-layer-dir';

export const SAMPLE_CONFIG_PATH = resolve(import.meta.dirname, '../../../config/fleet.sample.json');
/** cdk.json's context: the feature flags the real app synthesizes with. */
export const CDK_JSON_CONTEXT = (
  JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;
export const ACCOUNT = '123456789012';

/** The sample config as a user would write it. */
export function sampleConfigInput(): FleetConfigInput {
  return JSON.parse(readFileSync(SAMPLE_CONFIG_PATH, 'utf8')) as FleetConfigInput;
}

export function configWith(patch: Partial<FleetConfigInput>): FleetConfig {
  return parseFleetConfig({ ...sampleConfigInput(), ...patch });
}

export interface SynthedFleet extends FleetStacks {
  readonly app: App;
  readonly controlTemplate: Template;
  readonly runnerTemplate: (region: string) => Template;
}

/**
 * Builds the fleet in a fresh App. Lambda bundling is skipped (the synth test bundles for
 * real), so construct tests stay fast; the k6 layer is the real one.
 */
export function synthFleet(config: FleetConfig = parseFleetConfig(sampleConfigInput())): SynthedFleet {
  const app = new App({ context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const stacks = buildFleet(app, config, {
    k6LayerDir: ensureK6LayerDir(config.runner.architecture),
    account: ACCOUNT,
  });
  const controlTemplate = Template.fromStack(stacks.control);
  const runnerTemplates = new Map(stacks.runners.map((s) => [s.region, Template.fromStack(s)]));
  return {
    app,
    ...stacks,
    controlTemplate,
    runnerTemplate: (region) => {
      const t = runnerTemplates.get(region);
      if (!t) throw new Error(`no runner stack in ${region}`);
      return t;
    },
  };
}

/** The one resource of a type in a template (fails when there are none or several). */
export function only(
  template: Template,
  type: string,
): { logicalId: string; props: Record<string, unknown> } {
  const found = Object.entries(template.findResources(type));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  const [logicalId, res] = found[0] as [string, { Properties: Record<string, unknown> }];
  return { logicalId, props: res.Properties };
}

/** A sample config under config/ as a user would write it, e.g. `fleet.prometheus.sample.json`. */
export function namedSampleInput(file: string): FleetConfigInput {
  return JSON.parse(
    readFileSync(resolve(import.meta.dirname, '../../../config', file), 'utf8'),
  ) as FleetConfigInput;
}
