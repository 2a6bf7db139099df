import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient, ServiceException } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateDatabaseCommand,
  CreateTableCommand,
  TimestreamWriteClient,
} from '@aws-sdk/client-timestream-write';
import { StateMachine } from 'aws-local-stepfunctions';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { refusalExitCode } from '../../functions/adapters/aws/refusal-cause';
import { S3RunStore } from '../../functions/adapters/store/s3-run-store';
import {
  RUN_FINISHED_DETAIL_TYPE,
  type RunnerResult,
  RunnerResultSchema,
  runKeys,
  SummarySchema,
} from '../../functions/contracts';
import type { FinalizeResult } from '../../functions/contracts/task-io';
import { RUN_STATES } from '../../lib/constructs/run-state-machine';
import { startTargetServer, type TargetServer } from '../../target/server';
import { only, synthFleet } from '../cdk/support/fleet-fixture';
import { K6_PATH } from '../support/k6-path';
import { MOTO_CREDENTIALS, type Moto, startMoto } from '../support/moto';

/**
 * The state machine exactly as synthesized for AWS, run by aws-local-stepfunctions. Each
 * Task state is bound, by its name, to the real Lambda entry file; the run store is S3 on
 * a local moto server; the dispatcher's Lambda API calls start the real runner handler in
 * this process (real k6 against a loopback target). Only the Lambda and EventBridge APIs
 * are stubbed (aws-sdk-client-mock): there is no Lambda service here.
 */

/** A JSON value, as an execution input is. */
type JSONValue = Parameters<StateMachine['run']>[0];

const BUCKET = 'k6-fleet-runs-local';
const SECRET = 'tok_live_never-store-me-7731';
type Handler = (event: unknown, context?: { getRemainingTimeInMillis(): number }) => Promise<unknown>;

/** The definition from the synthesized control stack, Lambda ARNs filled in. */
function synthesizedDefinition(): Record<string, unknown> {
  const fleet = synthFleet();
  const { props } = only(fleet.controlTemplate, 'AWS::StepFunctions::StateMachine');
  const parts = (props.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  const text = parts
    .map((p) =>
      typeof p === 'string'
        ? p
        : `arn:aws:lambda:eu-west-1:123456789012:function:${(p as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]}`,
    )
    .join('');
  return JSON.parse(text);
}

describe('the run state machine, run locally with the real handlers', () => {
  let moto: Moto;
  let target: TargetServer;
  let s3: S3Client;
  let store: S3RunStore;
  let machine: StateMachine;
  let handlers: Record<string, Handler>;
  let abortOnStop: Handler;
  const lambda = mockClient(LambdaClient);
  const events = mockClient(EventBridgeClient);
  /** Runners started through the (stubbed) Lambda API, with the region they were sent to. */
  const runners: { region: string; runnerId: string; done: Promise<unknown> }[] = [];
  /** When it says so, an invoke that queued the runner still answers a Lambda 500. */
  let lostInvokeResponse: ((runnerId: string) => boolean) | undefined;

  beforeAll(async () => {
    moto = await startMoto();
    target = await startTargetServer({ port: 0 });
    s3 = new S3Client({
      endpoint: moto.endpoint,
      region: 'eu-west-1',
      forcePathStyle: true,
      credentials: MOTO_CREDENTIALS,
    });
    await s3.send(
      new CreateBucketCommand({
        Bucket: BUCKET,
        CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
      }),
    );
    store = new S3RunStore(s3, BUCKET);
    // The fleet's Timestream table, on the same emulator: the watcher and finalizer write it.
    const timestream = new TimestreamWriteClient({
      endpoint: moto.endpoint,
      region: 'eu-west-1',
      credentials: MOTO_CREDENTIALS,
    });
    await timestream.send(new CreateDatabaseCommand({ DatabaseName: 'k6fleet' }));
    await timestream.send(new CreateTableCommand({ DatabaseName: 'k6fleet', TableName: 'metrics' }));
    timestream.destroy();

    // The Lambdas' environment, as the control and runner stacks set it.
    const env: Record<string, string> = {
      K6_FLEET_BUCKET: BUCKET,
      K6_FLEET_BUCKET_REGION: 'eu-west-1',
      K6_FLEET_S3_ENDPOINT: moto.endpoint,
      K6_FLEET_RUNNER_REGIONS: JSON.stringify([
        { name: 'eu-west-1', weight: 50 },
        { name: 'us-east-1', weight: 50 },
      ]),
      K6_FLEET_MAX_VUS_PER_RUNNER: '50',
      K6_FLEET_RUNNER_FUNCTION: 'k6-fleet-runner',
      K6_FLEET_RUNNER_TIMEOUT_SECONDS: '900',
      K6_FLEET_K6: K6_PATH,
      K6_FLEET_EVENT_BUS: 'default',
      K6_FLEET_SINK: JSON.stringify({
        kind: 'timestream',
        database: 'k6fleet',
        table: 'metrics',
        region: 'eu-west-1',
        endpoint: moto.endpoint,
      }),
      AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'eu-west-1',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    };
    for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);

    // Imported after the env is set: each handler reads it at cold start.
    const runner: Handler = (await import('../../functions/entrypoints/handlers/run-runner-handler')).handler;
    abortOnStop = (await import('../../functions/entrypoints/handlers/abort-on-execution-stop-handler'))
      .handler;
    handlers = {
      [RUN_STATES.validate]: (await import('../../functions/entrypoints/handlers/validate-input-handler'))
        .handler,
      [RUN_STATES.plan]: (await import('../../functions/entrypoints/handlers/plan-run-handler')).handler,
      [RUN_STATES.dispatch]: (await import('../../functions/entrypoints/handlers/dispatch-runners-handler'))
        .handler,
      [RUN_STATES.watch]: (await import('../../functions/entrypoints/handlers/watch-run-handler')).handler,
      [RUN_STATES.finalize]: (await import('../../functions/entrypoints/handlers/finalize-run-handler'))
        .handler,
    };

    // Lambda's async invoke: queue the event (202) and run the runner handler in the background.
    lambda.on(InvokeCommand).callsFake(async (input, getClient) => {
      const region = await (getClient() as LambdaClient).config.region();
      const event = JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array));
      const done = runner(event, { getRemainingTimeInMillis: () => 900_000 }).catch((e: unknown) => e);
      runners.push({ region, runnerId: event.runnerId, done });
      if (lostInvokeResponse?.(event.runnerId))
        throw new ServiceException({ message: 'response lost', $metadata: { httpStatusCode: 500 } });
      return { StatusCode: 202 };
    });
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });

    machine = new StateMachine(synthesizedDefinition() as never, { validationOptions: { checkArn: false } });
  }, 600_000);

  afterAll(async () => {
    await Promise.all(runners.map((r) => r.done));
    lambda.restore();
    events.restore();
    s3?.destroy();
    await target?.close();
    await moto?.stop();
    vi.unstubAllEnvs();
  });

  /** Starts an execution as the console would: a name and a JSON input. */
  function start(executionName: string, input: JSONValue) {
    const before = runners.length;
    const execution = machine.run(input, {
      overrides: {
        taskResourceLocalHandlers: handlers as never,
        // The deployed machine waits 5 s between ticks; 1 s keeps the suite short.
        waitTimeOverrides: { [RUN_STATES.waitTick]: 1000 },
        retryIntervalOverrides: { [RUN_STATES.dispatch]: 10 },
      },
      context: { Execution: { Name: executionName, Input: input, StartTime: new Date().toISOString() } },
    });
    return { execution, runnersOfThisRun: () => runners.slice(before) };
  }

  /** How the execution failed, as Step Functions reports it: its Error and Cause. */
  async function failureOf(result: Promise<unknown>): Promise<{ error: string; cause: string } | undefined> {
    try {
      await result;
      return undefined;
    } catch (e) {
      // aws-local-stepfunctions wraps the Fail state's error (name = Error, message = Cause).
      const failed = (e as Error).cause as Error | undefined;
      return { error: failed?.name ?? (e as Error).name, cause: failed?.message ?? (e as Error).message };
    }
  }

  const uploadScript = (key: string, text: string) =>
    s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: text }));

  const script = (threshold: string) => `
import http from 'k6/http';
export const options = {
  scenarios: { s: { executor: 'shared-iterations', vus: 2, iterations: 40, maxDuration: '30s' } },
  thresholds: { http_reqs: ['${threshold}'] },
};
// Requests only when the run's env reached k6: the count proves the secret got to the runners.
export default function () { if (__ENV.TOKEN) http.get(__ENV.TARGET + '/api/items/1', { headers: { Authorization: __ENV.TOKEN } }); }
`;

  it('a passing run ends Succeeded with its summary in the bucket and a Run Finished event', async () => {
    // Prepare
    await uploadScript('scripts/pass.js', script('count>=40'));
    target.resetStats();
    const input = {
      testName: 'local-sfn-pass',
      script: { s3Key: 'scripts/pass.js' },
      regions: [
        { name: 'eu-west-1', weight: 50 },
        { name: 'us-east-1', weight: 50 },
      ],
      runnersPerRegion: 1,
      intervalSeconds: 1,
      env: { TARGET: target.url, TOKEN: SECRET },
    };
    // Act
    const { execution, runnersOfThisRun } = start('exec-pass-1', input);
    const result = (await execution.result) as FinalizeResult;
    // Assess
    const runId = 'exec-pass-1';
    expect(result).toMatchObject({
      runId,
      verdict: 'passed',
      exitCode: 0,
      summaryUri: `s3://${BUCKET}/${runKeys(runId).summary}`,
      reportUri: `s3://${BUCKET}/${runKeys(runId).report}`,
    });
    const summary = SummarySchema.parse(JSON.parse((await store.get(runKeys(runId).summary)) ?? 'null'));
    expect(summary.metrics.http_reqs?.values.count).toBe(40);
    expect(summary.fleet.runners.map((r) => r.region).sort()).toEqual(['eu-west-1', 'us-east-1']);
    expect(target.stats().requests).toBe(40);
    // The watcher and finalizer delivered metrics to the Timestream sink, none dropped.
    expect(summary.fleet.sinks?.timestream?.written).toBeGreaterThan(0);
    expect(summary.fleet.sinks?.timestream?.dropped).toBe(0);
    // Each runner was invoked in its own region.
    expect(
      runnersOfThisRun()
        .map((r) => `${r.region}:${r.runnerId}`)
        .sort(),
    ).toEqual(['eu-west-1:eu-west-1-0', 'us-east-1:us-east-1-0']);
    // The Run Finished event carries the verdict and where the summary is.
    const sent = events.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.[0]);
    const finished = sent.find((e) => JSON.parse(e?.Detail ?? '{}').runId === runId);
    expect(finished?.DetailType).toBe(RUN_FINISHED_DETAIL_TYPE);
    expect(JSON.parse(finished?.Detail ?? '{}')).toMatchObject({
      verdict: 'passed',
      exitCode: 0,
      summaryKey: runKeys(runId).summary,
      bucket: BUCKET,
    });
    // The env values reached k6 (40 requests, see the script) but no object in the bucket.
    for (const key of await store.list(runKeys(runId).prefix)) {
      expect(await store.get(key), key).not.toContain(SECRET);
    }
  });

  it('a retried Dispatch and a retried invoke start no second k6: the target sees exactly the planned load', async () => {
    // Prepare: eu-west-1-0's invoke queues the runner but answers a 500 once (the invoker
    // retries it), and the whole Dispatch task then fails once with Lambda.ServiceException
    // after it started every runner (Step Functions retries the task: every runner again).
    await uploadScript('scripts/retry.js', script('count>=40'));
    target.resetStats();
    let lost = 0;
    lostInvokeResponse = (runnerId) => runnerId === 'eu-west-1-0' && lost++ === 0;
    const realDispatch = handlers[RUN_STATES.dispatch]!;
    let dispatches = 0;
    handlers[RUN_STATES.dispatch] = async (event) => {
      const out = await realDispatch(event);
      if (++dispatches > 1) return out;
      throw Object.assign(new Error('Lambda answered 500 after the dispatch ran'), {
        name: 'Lambda.ServiceException',
      });
    };
    const input = {
      testName: 'local-sfn-retry',
      script: { s3Key: 'scripts/retry.js' },
      regions: [
        { name: 'eu-west-1', weight: 50 },
        { name: 'us-east-1', weight: 50 },
      ],
      runnersPerRegion: 1,
      intervalSeconds: 1,
      env: { TARGET: target.url, TOKEN: SECRET },
    };
    // Act
    const { execution, runnersOfThisRun } = start('exec-retry-1', input);
    const result = (await execution.result.finally(() => {
      handlers[RUN_STATES.dispatch] = realDispatch;
      lostInvokeResponse = undefined;
    })) as FinalizeResult;
    const invoked = runnersOfThisRun();
    const outcomes = await Promise.all(invoked.map((r) => r.done));
    // Assess: 5 starts (2 + 1 retried invoke, then 2 from the retried task), 2 k6 runs.
    expect(dispatches).toBe(2);
    expect(invoked.map((r) => r.runnerId).sort()).toEqual([
      'eu-west-1-0',
      'eu-west-1-0',
      'eu-west-1-0',
      'us-east-1-0',
      'us-east-1-0',
    ]);
    expect(outcomes.filter((o) => (o as { outcome?: string }).outcome === 'duplicate')).toHaveLength(3);
    expect(result).toMatchObject({ runId: 'exec-retry-1', verdict: 'passed', exitCode: 0 });
    expect(target.stats().requests).toBe(40);
    const claims = await store.list(runKeys('exec-retry-1').claimsPrefix);
    expect(claims.map((k) => k.split('/').slice(-2).join('/'))).toEqual([
      'eu-west-1-0/0000.json',
      'us-east-1-0/0000.json',
    ]);
    const summary = SummarySchema.parse(
      JSON.parse((await store.get(runKeys('exec-retry-1').summary)) ?? 'null'),
    );
    expect(summary.metrics.http_reqs?.values.count).toBe(40);
  });

  it('a failing threshold ends in ThresholdsFailed with a cause that names it', async () => {
    // Prepare
    await uploadScript('scripts/fail.js', script('count<10'));
    const input = {
      testName: 'local-sfn-fail',
      script: { s3Key: 'scripts/fail.js' },
      regions: [{ name: 'us-east-1', weight: 100 }],
      runnersPerRegion: 2,
      intervalSeconds: 1,
      env: { TARGET: target.url, TOKEN: 'x' },
    };
    // Act
    const { execution } = start('exec-fail-1', input);
    const failure = await failureOf(execution.result);
    // Assess
    expect(failure?.error).toBe('ThresholdsFailed');
    expect(failure?.cause).toMatch(
      /^Thresholds failed: http_reqs count<10\. Report: s3:\/\/k6-fleet-runs-local\/runs\/exec-fail-1\/report\.html$/,
    );
    const summary = SummarySchema.parse(
      JSON.parse((await store.get(runKeys('exec-fail-1').summary)) ?? 'null'),
    );
    expect(summary.fleet).toMatchObject({ verdict: 'thresholds-failed', exitCode: 99 });
  });

  it('an invalid input ends in InvalidInput before any runner starts', async () => {
    // Prepare
    const invokesBefore = lambda.commandCalls(InvokeCommand).length;
    // Act
    const { execution } = start('exec-invalid-1', {
      script: { inline: 'x' },
      regions: [{ name: 'eu-west-1', weight: 60 }],
    });
    const failure = await failureOf(execution.result);
    // Assess
    expect(failure?.error).toBe('InvalidInput');
    expect(failure?.cause).toMatch(/regions: region weights must sum to 100, they sum to 60/);
    expect(refusalExitCode(failure?.cause)).toBe(104);
    expect(lambda.commandCalls(InvokeCommand).length).toBe(invokesBefore);
    expect(await store.list(runKeys('exec-invalid-1').prefix)).toEqual([]);
  });

  it("a script k6 rejects ends in InvalidInput with k6's reason, before any runner starts", async () => {
    // Prepare
    const invokesBefore = lambda.commandCalls(InvokeCommand).length;
    // Act
    const { execution } = start('exec-badscript-1', {
      script: { inline: 'export default function () { this is not javascript }' },
      regions: [{ name: 'eu-west-1', weight: 100 }],
    });
    const failure = await failureOf(execution.result);
    // Assess
    expect(failure?.error).toBe('InvalidInput');
    expect(failure?.cause).toMatch(/k6 rejected the script/);
    // k6's exit code for a script exception travels in the cause (the CLI exits 107 on it).
    expect(refusalExitCode(failure?.cause)).toBe(107);
    expect(lambda.commandCalls(InvokeCommand).length).toBe(invokesBefore);
  });

  it('stopping the execution: the status-change handler writes abort and every runner stops', async () => {
    // Prepare: a long test, two runners in two regions.
    await uploadScript(
      'scripts/long.js',
      `import http from 'k6/http';
import { sleep } from 'k6';
export const options = { scenarios: { s: { executor: 'constant-vus', vus: 2, duration: '120s' } } };
export default function () { http.get(__ENV.TARGET + '/api/items/1'); sleep(0.1); }`,
    );
    const input = {
      testName: 'local-sfn-abort',
      script: { s3Key: 'scripts/long.js' },
      regions: [
        { name: 'eu-west-1', weight: 50 },
        { name: 'us-east-1', weight: 50 },
      ],
      runnersPerRegion: 1,
      intervalSeconds: 1,
      env: { TARGET: target.url, TOKEN: 'x' },
    };
    const runId = 'exec-abort-1';
    target.resetStats();
    const { execution, runnersOfThisRun } = start(runId, input);
    const settled = execution.result.catch((e: unknown) => e);
    // Wait until the load is running: the watcher says so and the target sees requests.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const status = JSON.parse((await store.get(runKeys(runId).status)) ?? '{}') as { phase?: string };
      if (status.phase === 'running' && target.stats().requests > 0) break;
      if (Date.now() > deadline) throw new Error('the run never reached phase running');
      await new Promise((r) => setTimeout(r, 250));
    }
    // Act: the console stops the execution; EventBridge delivers the ABORTED status change.
    execution.abort();
    await settled;
    const stoppedAt = Date.now();
    const outcome = await abortOnStop({
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      detail: {
        executionArn: `arn:aws:states:eu-west-1:123456789012:execution:k6-fleet-run:${runId}`,
        stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:k6-fleet-run',
        name: runId,
        status: 'ABORTED',
        input: JSON.stringify(input),
      },
    });
    const results = (await Promise.all(runnersOfThisRun().map((r) => r.done))) as { outcome: string }[];
    const stopSeconds = (Date.now() - stoppedAt) / 1000;
    // Assess
    expect(outcome).toEqual({ action: 'written', runId });
    expect(results.map((r) => r.outcome)).toEqual(['aborted', 'aborted']);
    expect(stopSeconds).toBeLessThan(15);
    const stored: RunnerResult[] = await Promise.all(
      ['eu-west-1-0', 'us-east-1-0'].map(async (id) =>
        RunnerResultSchema.parse(JSON.parse((await store.get(runKeys(runId).result(id))) ?? 'null')),
      ),
    );
    expect(stored.every((r) => r.outcome === 'aborted' && r.k6ExitCode === 103)).toBe(true);
    expect(stored[0]?.reason).toMatch(/console/);
    // The load really stopped: the target sees no more requests.
    const afterStop = target.stats().requests;
    await new Promise((r) => setTimeout(r, 1500));
    expect(target.stats().requests).toBe(afterStop);
  });
});
