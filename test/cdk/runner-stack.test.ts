import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { HANDLER_ENV } from '../../functions/contracts/handler-env';
import { configWith, only, type SynthedFleet, sampleConfigInput, synthFleet } from './support/fleet-fixture';

describe('RunnerStack', () => {
  let fleet: SynthedFleet;
  beforeAll(() => {
    fleet = synthFleet();
  }, 600_000);

  it('deploys one runner stack per runner region, each with an explicit env', () => {
    expect(fleet.runners.map((s) => [s.stackName, s.region, s.account])).toEqual([
      ['k6-fleet-runners-eu-west-1', 'eu-west-1', '123456789012'],
      ['k6-fleet-runners-us-east-1', 'us-east-1', '123456789012'],
      ['k6-fleet-runners-ap-southeast-2', 'ap-southeast-2', '123456789012'],
    ]);
  });

  it('runs the runner on Node.js 22 / arm64 with the configured memory and timeout, and the k6 layer', () => {
    const t = fleet.runnerTemplate('us-east-1');
    const fn = only(t, 'AWS::Lambda::Function');
    expect(fn.props).toMatchObject({
      FunctionName: 'k6-fleet-runner',
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 2048,
      Timeout: 900,
      Layers: [{ Ref: only(t, 'AWS::Lambda::LayerVersion').logicalId }],
    });
    t.hasResourceProperties('AWS::Lambda::LayerVersion', {
      CompatibleArchitectures: ['arm64'],
      Description: Match.stringLikeRegexp('k6 v2.2.0 for linux/arm64 at /opt/bin/k6'),
    });
    // A retried async invocation would run the runner's share twice.
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fn.logicalId },
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 120,
    });
  });

  it('reaches the home bucket by its derived name, without cross-stack references', () => {
    const t = fleet.runnerTemplate('ap-southeast-2');
    const env = (only(t, 'AWS::Lambda::Function').props.Environment as { Variables: Record<string, unknown> })
      .Variables;
    const bucketName = { 'Fn::Join': ['', ['k6-fleet-runs-', { Ref: 'AWS::AccountId' }, '-eu-west-1']] };
    expect(env).toMatchObject({
      [HANDLER_ENV.bucket]: bucketName,
      [HANDLER_ENV.bucketRegion]: 'eu-west-1',
      [HANDLER_ENV.k6Path]: '/opt/bin/k6',
    });
    // Runners write no metrics sink: the watcher forwards their intervals.
    expect(env[HANDLER_ENV.sink]).toBeUndefined();
    // The control stack names its bucket with the very same expression …
    const controlBucket = fleet.controlTemplate.findResources('AWS::S3::Bucket', {
      Properties: { BucketName: bucketName },
    });
    expect(Object.keys(controlBucket)).toHaveLength(1);
    // … and the dispatcher invokes the function name the runner stacks create.
    expect(JSON.stringify(fleet.controlTemplate.toJSON())).toContain(
      '"K6_FLEET_RUNNER_FUNCTION":"k6-fleet-runner"',
    );
    // No Fn::ImportValue, no SSM-backed cross-region reference custom resource.
    const text = JSON.stringify(t.toJSON());
    expect(text).not.toContain('Fn::ImportValue');
    expect(text).not.toContain('CrossRegion');
    t.resourceCountIs('Custom::CrossRegionExportReader', 0);
  });

  it('grants read/write on runs/* of the home bucket, and nothing else of the fleet', () => {
    const t = fleet.runnerTemplate('eu-west-1');
    const bucketArn = {
      'Fn::Join': [
        '',
        ['arn:', { Ref: 'AWS::Partition' }, ':s3:::k6-fleet-runs-', { Ref: 'AWS::AccountId' }, '-eu-west-1'],
      ],
    };
    const statements = only(t, 'AWS::IAM::Policy').props.PolicyDocument as {
      Statement: { Action: string | string[]; Resource: unknown }[];
    };
    const s3 = statements.Statement.find((s) => [s.Action].flat().includes('s3:PutObject'));
    expect(s3?.Resource).toEqual([
      bucketArn,
      {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':s3:::k6-fleet-runs-',
            { Ref: 'AWS::AccountId' },
            '-eu-west-1/runs/*',
          ],
        ],
      },
    ]);
    expect(JSON.stringify(statements)).not.toContain('timestream:');
    expect(JSON.stringify(statements)).not.toContain('s3:*');
    expect(JSON.stringify(statements)).not.toContain('lambda:');
  });

  it('uses x86_64, a chosen memory size, and a VPC when the config asks', () => {
    const base = sampleConfigInput();
    const config = configWith({
      ...base,
      runner: { architecture: 'x86_64', memoryMb: 4096, timeoutSeconds: 600 },
      runnerRegions: [
        {
          region: 'eu-west-1',
          weight: 100,
          vpc: {
            vpcId: 'vpc-0a1b2c3d4e5f60718',
            subnetIds: ['subnet-0a1b2c3d4e5f60718', 'subnet-0b1b2c3d'],
            securityGroupIds: ['sg-0c1b2c3d4e5f60718'],
          },
        },
      ],
      schedules: [],
    });
    const t = synthFleet(config).runnerTemplate('eu-west-1');
    expect(only(t, 'AWS::Lambda::Function').props).toMatchObject({
      Architectures: ['x86_64'],
      MemorySize: 4096,
      Timeout: 600,
      VpcConfig: {
        SubnetIds: ['subnet-0a1b2c3d4e5f60718', 'subnet-0b1b2c3d'],
        SecurityGroupIds: ['sg-0c1b2c3d4e5f60718'],
      },
    });
    t.hasResourceProperties('AWS::Lambda::LayerVersion', { CompatibleArchitectures: ['x86_64'] });
  }, 600_000);
});
