import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FleetConfigInput } from '../../lib/config/fleet-config-schema';
import { parseFleetConfig } from '../../lib/config/load-fleet-config';
import { buildFleet } from '../../lib/fleet-app';
import { ensureK6LayerDir } from '../../lib/k6-layer/k6-layer-dir';
import { ACCOUNT, CDK_JSON_CONTEXT, namedSampleInput, sampleConfigInput } from './support/fleet-fixture';

interface ValidationReport {
  pluginReports: {
    pluginName: string;
    conclusion: string;
    violations: { ruleName: string }[];
    suppressedViolations?: { ruleName: string }[];
  }[];
}

/** Every acknowledgement recorded on the construct tree: [construct path, rule id, reason]. */
function acknowledgements(root: IConstruct): [string, string, string][] {
  return root.node
    .findAll()
    .flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) =>
          Object.entries(m.data as Record<string, string>).map(
            ([id, reason]) => [c.node.path, id, reason] as [string, string, string],
          ),
        ),
    );
}

/** Synthesizes the sample fleet with the AWS Solutions checks, as bin/app.ts does. */
function checkFleet(
  extra?: (fleet: ReturnType<typeof buildFleet>) => void,
  configInput: FleetConfigInput = sampleConfigInput(),
) {
  const outdir = mkdtempSync(join(tmpdir(), 'k6fleet-nag-'));
  const app = new App({ outdir, context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const config = parseFleetConfig(configInput);
  const fleet = buildFleet(app, config, {
    k6LayerDir: ensureK6LayerDir(config.runner.architecture),
    account: ACCOUNT,
  });
  extra?.(fleet);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  let error: unknown;
  try {
    app.synth();
  } catch (e) {
    error = e;
  }
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as ValidationReport;
  return { app, report, error };
}

const openFindings = (report: ValidationReport) =>
  report.pluginReports.flatMap((p) => p.violations.map((v) => `${p.pluginName}: ${v.ruleName}`));

describe('cdk-nag AwsSolutions checks', () => {
  let checked: ReturnType<typeof checkFleet>;
  beforeAll(() => {
    checked = checkFleet();
  }, 600_000);

  it('leaves no finding unacknowledged', () => {
    expect(openFindings(checked.report)).toEqual([]);
    expect(checked.error).toBeUndefined();
  });

  it('gives every acknowledgement a reason someone can review', () => {
    const acks = acknowledgements(checked.app);
    expect(acks.length).toBeGreaterThan(20);
    for (const [path, id, reason] of acks) {
      expect(reason.trim().length, `${path} ${id}`).toBeGreaterThanOrEqual(40);
      expect(reason, `${path} ${id}`).not.toMatch(/^(todo|tbd|n\/a|placeholder)/i);
    }
  });

  it('also passes for a fleet that is deleted on destroy, without Timestream, with a VPC', () => {
    const { timestream: _none, ...base } = sampleConfigInput();
    const { report, error } = checkFleet(undefined, {
      ...base,
      bucket: { retainOnDelete: false },
      runnerRegions: [
        {
          region: 'eu-west-1',
          weight: 100,
          vpc: {
            vpcId: 'vpc-0a1b2c3d4e5f60718',
            subnetIds: ['subnet-0a1b2c3d4e5f60718'],
            securityGroupIds: ['sg-0c1b2c3d4e5f60718'],
          },
        },
      ],
      schedules: [],
    });
    expect(openFindings(report)).toEqual([]);
    expect(error).toBeUndefined();
  }, 600_000);

  it('also passes with the Amazon Managed Grafana workspace and its dashboard provisioner', () => {
    // Prepare + Act
    const { app, report, error } = checkFleet(undefined, {
      ...sampleConfigInput(),
      grafana: { enabled: true, authenticationProviders: ['AWS_SSO', 'SAML'] },
    });
    // Assess: no open finding, and the Grafana acknowledgements carry reasons.
    expect(openFindings(report)).toEqual([]);
    expect(error).toBeUndefined();
    const grafanaAcks = acknowledgements(app).filter(([path]) => path.includes('/Grafana/'));
    expect(grafanaAcks.map(([, id]) => id.replace(/^Annotation::/, ''))).toEqual(
      expect.arrayContaining(['AwsSolutions-IAM5[Resource::*]', 'AwsSolutions-L1']),
    );
    for (const [path, id, reason] of grafanaAcks) {
      expect(reason.trim().length, `${path} ${id}`).toBeGreaterThanOrEqual(40);
    }
  }, 600_000);

  it.each(['fleet.prometheus.sample.json', 'fleet.influxdb.sample.json'])(
    'also passes for %s, every acknowledgement with a reason',
    (file) => {
      const { app, report, error } = checkFleet(undefined, namedSampleInput(file));
      expect(openFindings(report)).toEqual([]);
      expect(error).toBeUndefined();
      for (const [path, id, reason] of acknowledgements(app)) {
        expect(reason.trim().length, `${path} ${id}`).toBeGreaterThanOrEqual(40);
      }
    },
    600_000,
  );

  it('stops the synth on a finding nobody acknowledged (the check is live)', () => {
    // Prepare + Act: the same fleet plus a bucket that allows plain HTTP.
    const { report, error } = checkFleet((fleet) => new s3.Bucket(fleet.control, 'Careless'));
    // Assess
    expect(error).toBeInstanceOf(Error);
    expect(openFindings(report)).toEqual(expect.arrayContaining(['AwsSolutions: AwsSolutions-S10']));
  }, 600_000);
});
