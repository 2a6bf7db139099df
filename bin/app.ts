#!/usr/bin/env node
// The CDK app (cdk.json: "app"). Config: cdk.json context "k6fleet" (an object, or the
// path of a JSON file such as config/fleet.sample.json); `-c k6fleet=path` overrides it.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FleetConfigError, loadFleetConfig } from '../lib/config/load-fleet-config';
import { buildFleet } from '../lib/fleet-app';
import { ensureK6LayerDir } from '../lib/k6-layer/k6-layer-dir';

const app = new App();
try {
  const config = loadFleetConfig(app.node);
  buildFleet(app, config, { k6LayerDir: ensureK6LayerDir(config.runner.architecture) });
} catch (e) {
  if (!(e instanceof FleetConfigError)) throw e;
  console.error(`k6-fleet: ${e.message}`);
  process.exit(1);
}
// Every synth is checked against the AWS Solutions rules; findings stop the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
