import { Aws, CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { FleetConfig } from '../config/fleet-config-schema';
import { fleetNames } from '../config/fleet-names';
import { RunnerFunction } from '../constructs/runner-function';
import { acknowledgeFleetFunctionFindings, acknowledgeRunStoreGrant } from './nag-acknowledgements';

export interface RunnerStackProps extends StackProps {
  readonly config: FleetConfig;
  /** The runner region this stack serves (must be one of config.runnerRegions). */
  readonly runnerRegion: string;
  /** Folder holding bin/k6 for the config's architecture. */
  readonly k6LayerDir: string;
}

/**
 * One runner region: the runner Lambda and its k6 layer. It finds the home bucket by its
 * derived name, so it has no CloudFormation link to the control stack (no cross-region
 * exports, no SSM parameters, deploys in any order). Runners write no metrics sink: the
 * watcher forwards their interval records.
 */
export class RunnerStack extends Stack {
  readonly runner: RunnerFunction;

  constructor(scope: Construct, id: string, props: RunnerStackProps) {
    super(scope, id, props);
    const { config } = props;
    const regionConfig = config.runnerRegions.find((r) => r.region === props.runnerRegion);
    if (!regionConfig) {
      throw new Error(`RunnerStack: ${props.runnerRegion} is not one of the config's runnerRegions`);
    }
    const names = fleetNames(config, Aws.ACCOUNT_ID);
    this.runner = new RunnerFunction(this, 'Runner', {
      functionName: names.runnerFunction,
      architecture:
        config.runner.architecture === 'arm64' ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64,
      memorySize: config.runner.memoryMb,
      timeout: Duration.seconds(config.runner.timeoutSeconds),
      k6LayerDir: props.k6LayerDir,
      bucketName: names.bucket,
      bucketRegion: config.homeRegion,
      vpc: regionConfig.vpc,
      logRetention: config.logRetentionDays as logs.RetentionDays,
    });
    acknowledgeFleetFunctionFindings(this.runner.fn);
    // How cdk-nag prints the home bucket's ARN (built from its derived name).
    const nagBucketArn = `arn:<AWS::Partition>:s3:::${fleetNames(config, '<AWS::AccountId>').bucket}`;
    acknowledgeRunStoreGrant(this.runner.fn, nagBucketArn, ['runs/'], 'readWrite');
    if (regionConfig.vpc) {
      Validations.of(this.runner.fn).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        reason:
          'The AWS managed VPC access role only lets Lambda create and delete the network interfaces it needs in the configured subnets.',
      });
    }
    new CfnOutput(this, 'RunnerFunctionName', { value: this.runner.fn.functionName });
  }
}
