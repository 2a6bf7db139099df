import { Duration, Fn } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { HANDLER_ENV } from '../../functions/contracts/handler-env';
import type { RunnerVpc } from '../config/fleet-config-schema';
import { FleetFunction } from './fleet-function';
import { K6Layer } from './k6-layer';

export interface RunnerFunctionProps {
  readonly functionName: string;
  readonly architecture: lambda.Architecture;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly k6LayerDir: string;
  /** The run-store bucket in the home region, by name (no cross-region reference). */
  readonly bucketName: string;
  readonly bucketRegion: string;
  readonly vpc?: RunnerVpc;
  readonly logRetention: logs.RetentionDays;
}

/**
 * One region's runner: a Lambda with the k6 layer that runs one share of a test. It may
 * read and write only runs/* of the home bucket.
 */
export class RunnerFunction extends Construct {
  readonly fn: FleetFunction;
  readonly layer: K6Layer;

  constructor(scope: Construct, id: string, props: RunnerFunctionProps) {
    super(scope, id);
    this.layer = new K6Layer(this, 'K6', { architecture: props.architecture, layerDir: props.k6LayerDir });
    const network = props.vpc ? this.network(props.vpc) : {};
    this.fn = new FleetFunction(this, 'Function', {
      handlerFile: 'run-runner-handler.ts',
      functionName: props.functionName,
      description: 'k6-fleet runner: runs one share of a k6 test',
      architecture: props.architecture,
      memorySize: props.memorySize,
      timeout: props.timeout,
      layers: [this.layer],
      logRetention: props.logRetention,
      environment: {
        [HANDLER_ENV.bucket]: props.bucketName,
        [HANDLER_ENV.bucketRegion]: props.bucketRegion,
        [HANDLER_ENV.k6Path]: K6Layer.K6_PATH,
      },
      ...network,
    });
    // Lambda retries failed async invocations twice by default: a retried runner would
    // run its share of the load a second time. The watcher reports a failed runner instead.
    this.fn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(2) });

    const bucket = s3.Bucket.fromBucketName(this, 'RunStore', props.bucketName);
    bucket.grantReadWrite(this.fn, 'runs/*');
  }

  private network(v: RunnerVpc) {
    return {
      // Subnets are selected by id below, so the VPC's AZ list is never consulted.
      vpc: ec2.Vpc.fromVpcAttributes(this, 'Vpc', { vpcId: v.vpcId, availabilityZones: Fn.getAzs() }),
      vpcSubnets: { subnets: v.subnetIds.map((id, i) => ec2.Subnet.fromSubnetId(this, `Subnet${i}`, id)) },
      securityGroups: v.securityGroupIds.map((id, i) =>
        ec2.SecurityGroup.fromSecurityGroupId(this, `SecurityGroup${i}`, id, { mutable: false }),
      ),
    };
  }
}
