import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import {
  DescribeExecutionCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { createS3Client } from '../../../adapters/aws/aws-clients';
import { S3RunStore } from '../../../adapters/store/s3-run-store';
import type { RunInput } from '../../../contracts';
import {
  CONTROL_STACK_OUTPUTS,
  type ConnectOptions,
  type ExecutionStatus,
  executionArnFor,
  type FleetStack,
  FleetStackError,
  type FleetStackOutputs,
  GRAFANA_URL_OUTPUT,
} from './fleet-stack';

const errorName = (e: unknown) => (e as { name?: string }).name;

/** Errors that mean "fix your AWS setup", not "the fleet broke". */
function asSetupError(e: unknown, stackName: string, region: string | undefined): Error {
  const err = e as Error;
  const where = region ? ` in ${region}` : '';
  if (err.name === 'ValidationError' && /does not exist/.test(err.message)) {
    return new FleetStackError(
      `no stack "${stackName}"${where}: give the control stack's name (e.g. k6-fleet-control) and its region (--stack-region)`,
    );
  }
  if (/region is missing/i.test(err.message)) {
    return new FleetStackError('no AWS region: give --stack-region or set AWS_REGION');
  }
  if (err.name === 'CredentialsProviderError') {
    return new FleetStackError(`no AWS credentials: ${err.message}`);
  }
  return err;
}

/** Reads the control stack's outputs (CloudFormation DescribeStacks). */
async function readOutputs(cfn: CloudFormationClient, opts: ConnectOptions): Promise<FleetStackOutputs> {
  const region = opts.stackRegion;
  let described: Stack | undefined;
  try {
    described = (await cfn.send(new DescribeStacksCommand({ StackName: opts.stackName }))).Stacks?.[0];
  } catch (e) {
    throw asSetupError(e, opts.stackName, region);
  }
  const outputs = new Map((described?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
  const need = Object.values(CONTROL_STACK_OUTPUTS);
  const missing = need.filter((k) => !outputs.get(k));
  if (!described || missing.length > 0) {
    throw new FleetStackError(
      `stack "${opts.stackName}" is not a k6-fleet control stack (or not fully deployed): it lacks the output(s) ${missing.join(', ')}`,
    );
  }
  return {
    stackName: opts.stackName,
    stateMachineArn: outputs.get(CONTROL_STACK_OUTPUTS.stateMachineArn) as string,
    bucketName: outputs.get(CONTROL_STACK_OUTPUTS.bucketName) as string,
    homeRegion: outputs.get(CONTROL_STACK_OUTPUTS.region) as string,
    ...(outputs.get(GRAFANA_URL_OUTPUT) ? { grafanaUrl: outputs.get(GRAFANA_URL_OUTPUT) } : {}),
  };
}

/**
 * Connects to a deployed fleet through the standard AWS SDK credential and region chain:
 * CloudFormation in the stack's region for the outputs, then Step Functions and S3 in the
 * home region they name. K6_FLEET_S3_ENDPOINT points S3 at an emulator (path-style), as
 * for the Lambdas.
 */
export async function connectFleetStack(opts: ConnectOptions): Promise<FleetStack> {
  const env = opts.env ?? process.env;
  const stackRegion = opts.stackRegion ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const cfn = new CloudFormationClient(stackRegion ? { region: stackRegion } : {});
  let outputs: FleetStackOutputs;
  try {
    outputs = await readOutputs(cfn, { ...opts, stackRegion });
  } finally {
    cfn.destroy();
  }
  const sfn = new SFNClient({ region: outputs.homeRegion });
  const s3 = createS3Client(outputs.homeRegion, env);
  const store = new S3RunStore(s3, outputs.bucketName);

  return {
    outputs,
    store,
    async startExecution(name: string, input: RunInput): Promise<string> {
      try {
        const out = await sfn.send(
          new StartExecutionCommand({
            stateMachineArn: outputs.stateMachineArn,
            name,
            input: JSON.stringify(input),
          }),
        );
        if (!out.executionArn) throw new Error('StartExecution returned no executionArn');
        return out.executionArn;
      } catch (e) {
        if (errorName(e) === 'ExecutionAlreadyExists') {
          throw new FleetStackError(`an execution named "${name}" already exists: pick another run id`);
        }
        if (errorName(e) === 'StateMachineDoesNotExist') {
          throw new FleetStackError(
            `the state machine ${outputs.stateMachineArn} (output of ${outputs.stackName}) does not exist: redeploy the stack`,
          );
        }
        throw e;
      }
    },
    async describeExecution(name: string) {
      const executionArn = executionArnFor(outputs.stateMachineArn, name);
      try {
        const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        return {
          executionArn: out.executionArn ?? executionArn,
          status: (out.status ?? 'RUNNING') as ExecutionStatus,
          ...(out.error ? { error: out.error } : {}),
          ...(out.cause ? { cause: out.cause } : {}),
        };
      } catch (e) {
        if (errorName(e) === 'ExecutionDoesNotExist') return undefined;
        throw e;
      }
    },
    async stopExecution(executionArn: string, cause: string): Promise<void> {
      // StopExecution caps error at 256 and cause at 32,768 characters.
      await sfn.send(
        new StopExecutionCommand({ executionArn, error: 'k6-fleet.Aborted', cause: cause.slice(0, 32_000) }),
      );
    },
    close() {
      sfn.destroy();
      s3.destroy();
    },
  };
}
