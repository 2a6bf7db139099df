import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  SFNClient,
  StartExecutionCommand,
  type StartExecutionCommandInput,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { vi } from 'vitest';
import { putJson } from '../../functions/adapters/store/run-store';
import { S3RunStore } from '../../functions/adapters/store/s3-run-store';
import {
  CONTROL_STACK_OUTPUTS,
  type ExecutionState,
  GRAFANA_URL_OUTPUT,
} from '../../functions/entrypoints/cli/aws/fleet-stack';
import type { StackCommandDeps } from '../../functions/entrypoints/cli/aws/stack-run-command';
import { MOTO_CREDENTIALS, type Moto, startMoto } from '../support/moto';

/** The deployed fleet the CLI tests point at: its control stack's outputs. */
export const STACK = {
  name: 'k6-fleet-control',
  region: 'eu-west-1',
  bucket: 'k6-fleet-runs-123456789012-eu-west-1',
  stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:k6-fleet-run',
  grafanaUrl: 'https://g-abc123.grafana-workspace.eu-west-1.amazonaws.com',
} as const;

export const executionArn = (runId: string) =>
  `arn:aws:states:eu-west-1:123456789012:execution:k6-fleet-run:${runId}`;

/** A writable the commands print to, kept as text. */
export function textSink() {
  let text = '';
  return {
    write: (s: string) => {
      text += s;
      return true;
    },
    isTTY: false,
    text: () => text,
  };
}

/** Ctrl-C on demand, through the commands' InterruptSource seam. */
export function manualInterrupts() {
  const listeners = new Set<() => void>();
  return {
    source: (cb: () => void) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    press: () => {
      for (const l of listeners) l();
    },
  };
}

/**
 * The AWS side of the CLI tests: CloudFormation and Step Functions mocked
 * (aws-sdk-client-mock: exact request shapes), the run-store bucket on a real moto S3
 * that the CLI reaches through K6_FLEET_S3_ENDPOINT, as a deployed fleet's would be.
 */
export async function startStackWorld() {
  const moto: Moto = await startMoto();
  // The CLI's S3 client takes credentials from the standard chain (env first).
  vi.stubEnv('AWS_ACCESS_KEY_ID', MOTO_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', MOTO_CREDENTIALS.secretAccessKey);
  vi.stubEnv('AWS_SESSION_TOKEN', '');
  vi.stubEnv('AWS_PROFILE', '');
  const s3 = new S3Client({
    endpoint: moto.endpoint,
    region: STACK.region,
    forcePathStyle: true,
    credentials: MOTO_CREDENTIALS,
  });
  await s3.send(
    new CreateBucketCommand({
      Bucket: STACK.bucket,
      CreateBucketConfiguration: { LocationConstraint: STACK.region },
    }),
  );
  const cfn = mockClient(CloudFormationClient);
  const sfn = mockClient(SFNClient);
  /** What the test reads and writes in the bucket, as the fleet's Lambdas would. */
  const store = new S3RunStore(s3, STACK.bucket);

  const resetMocks = () => {
    cfn.reset();
    sfn.reset();
    cfn.on(DescribeStacksCommand, { StackName: STACK.name }).resolves({
      Stacks: [
        {
          StackName: STACK.name,
          CreationTime: new Date(0),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [
            { OutputKey: CONTROL_STACK_OUTPUTS.stateMachineArn, OutputValue: STACK.stateMachineArn },
            { OutputKey: CONTROL_STACK_OUTPUTS.bucketName, OutputValue: STACK.bucket },
            { OutputKey: CONTROL_STACK_OUTPUTS.region, OutputValue: STACK.region },
            { OutputKey: GRAFANA_URL_OUTPUT, OutputValue: STACK.grafanaUrl },
          ],
        },
      ],
    });
    sfn.on(StartExecutionCommand).callsFake(async (input: StartExecutionCommandInput) => ({
      executionArn: executionArn(input.name ?? ''),
      startDate: new Date(),
    }));
    sfn.on(StopExecutionCommand).resolves({ stopDate: new Date() });
  };
  resetMocks();

  /**
   * DescribeExecution, scripted: on the n-th call (0-based) `step(n)` may write run-store
   * objects (awaited before the answer, as a watcher tick between two polls would) and
   * returns the execution's state.
   */
  const scriptExecution = (
    runId: string,
    step: (n: number) => Promise<Omit<ExecutionState, 'executionArn'>>,
  ) => {
    let n = 0;
    sfn.on(DescribeExecutionCommand, { executionArn: executionArn(runId) }).callsFake(async () => {
      const state = await step(n++);
      return { executionArn: executionArn(runId), stateMachineArn: STACK.stateMachineArn, ...state };
    });
    return { calls: () => n };
  };

  const deps = (extra: StackCommandDeps = {}): StackCommandDeps => ({
    pollMs: 20,
    env: { ...process.env, K6_FLEET_S3_ENDPOINT: moto.endpoint },
    ...extra,
  });

  return {
    moto,
    s3,
    cfn,
    sfn,
    store,
    deps,
    resetMocks,
    scriptExecution,
    put: (key: string, value: unknown) => putJson(store, key, value),
    stop: async () => {
      cfn.restore();
      sfn.restore();
      s3.destroy();
      vi.unstubAllEnvs();
      await moto.stop();
    },
  };
}
export type StackWorld = Awaited<ReturnType<typeof startStackWorld>>;
