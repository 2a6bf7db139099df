import { DescribeExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getJson } from '../../functions/adapters/store/run-store';
import { AbortInfoSchema, runKeys, SummarySchema } from '../../functions/contracts';
import {
  type StackAbortFlags,
  stackAbortCommand,
} from '../../functions/entrypoints/cli/aws/stack-abort-command';
import { planFixture } from '../handlers/support/plan-fixture';
import { makeSummary } from '../report/report-fixture';
import { runCli } from '../support/cli';
import { executionArn, STACK, type StackWorld, startStackWorld, textSink } from './stack-support';

describe('k6-fleet abort <runId> --stack (Step Functions mocked, run store on moto S3)', () => {
  let world: StackWorld;

  beforeAll(async () => {
    world = await startStackWorld();
  });
  afterAll(async () => {
    await world?.stop();
  });
  beforeEach(() => world.resetMocks());

  const flags = (extra: Partial<StackAbortFlags> = {}): StackAbortFlags => ({
    stack: STACK.name,
    stackRegion: STACK.region,
    ...extra,
  });

  async function abort(runId: string, f: StackAbortFlags) {
    const stderr = textSink();
    const code = await stackAbortCommand(runId, f, world.deps({ stderr }));
    return { code, stderr: stderr.text() };
  }

  const readAbort = (runId: string) =>
    getJson(world.store, runKeys(runId).abort, (v) => AbortInfoSchema.parse(v));
  const stopCalls = () => world.sfn.commandCalls(StopExecutionCommand).map((c) => c.args[0].input);

  it('writes abort.json once (the first reason is kept) and stops the running execution (--wait 0)', async () => {
    // Prepare: a planned run whose execution runs until StopExecution.
    const runId = 'abort-running-1';
    await world.put(runKeys(runId).plan, planFixture(runId, { 'eu-west-1': 2, 'us-east-1': 1 }));
    let stopped = false;
    world.sfn.on(StopExecutionCommand).callsFake(async () => {
      stopped = true;
      return { stopDate: new Date() };
    });
    world.scriptExecution(runId, async () => ({ status: stopped ? 'ABORTED' : 'RUNNING' }));

    // Act: two aborts, with different reasons.
    const first = await abort(runId, flags({ reason: 'bad deploy on the target', wait: 0 }));
    const second = await abort(runId, flags({ reason: 'second thoughts', wait: 0 }));

    // Assess
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(`wrote s3://${STACK.bucket}/runs/${runId}/abort.json`);
    expect(first.stderr).toContain(`stopped execution ${executionArn(runId)}`);
    expect(await readAbort(runId)).toMatchObject({ source: 'cli', reason: 'bad deploy on the target' });
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('already being aborted (cli: bad deploy on the target)');
    expect(second.stderr).toContain(`execution ${runId} already ended ABORTED`);
    expect(stopCalls()).toEqual([
      {
        executionArn: executionArn(runId),
        error: 'k6-fleet.Aborted',
        cause: 'k6-fleet abort (cli): bad deploy on the target',
      },
    ]);
    expect(world.sfn.commandCalls(DescribeExecutionCommand)[0]!.args[0].input).toEqual({
      executionArn: executionArn(runId),
    });
  });

  it('lets a run that ends within --wait finish with its summary, without stopping the execution', async () => {
    // Prepare: the watcher sees abort.json, the runners stop, Finalize writes the summary.
    const runId = 'abort-finishes-1';
    const keys = runKeys(runId);
    await world.put(keys.plan, planFixture(runId, { 'eu-west-1': 1 }));
    world.scriptExecution(runId, async (n) => {
      const requested = await readAbort(runId);
      if (!requested || n < 3) return { status: 'RUNNING' };
      const s = makeSummary('checkout');
      await world.put(
        keys.summary,
        SummarySchema.parse({
          ...s,
          runId,
          fleet: { ...s.fleet, verdict: 'aborted', exitCode: 105, abort: requested, failedThresholds: [] },
        }),
      );
      return { status: 'FAILED', error: 'RunFailed', cause: `aborted: ${requested.reason}` };
    });

    // Act
    const res = await abort(runId, flags({ wait: 10 }));

    // Assess
    expect(res.code).toBe(0);
    expect(await readAbort(runId)).toMatchObject({ source: 'cli', reason: 'aborted with k6-fleet abort' });
    expect(res.stderr).toContain('execution ended FAILED (RunFailed)');
    expect(res.stderr).toContain(`report s3://${STACK.bucket}/runs/${runId}/report.html`);
    expect(stopCalls()).toEqual([]);
  });

  it('stops the execution when the run does not end within --wait', async () => {
    const runId = 'abort-slow-1';
    await world.put(runKeys(runId).plan, planFixture(runId, { 'eu-west-1': 1 }));
    world.scriptExecution(runId, async () => ({ status: 'RUNNING' }));
    const res = await abort(runId, flags({ wait: 0.2 }));
    expect(res.code).toBe(0);
    expect(stopCalls()).toHaveLength(1);
    expect(await readAbort(runId)).toMatchObject({ source: 'cli' });
  });

  it('exits 104 for an unknown run id, writing nothing', async () => {
    // Prepare
    const runId = 'abort-unknown-1';
    world.sfn
      .on(DescribeExecutionCommand)
      .rejects(Object.assign(new Error('Execution Does Not Exist'), { name: 'ExecutionDoesNotExist' }));
    // Act
    const res = await abort(runId, flags({ wait: 0 }));
    const badId = await abort('not a run id', flags());
    // Assess
    expect(res.code).toBe(104);
    expect(res.stderr).toContain(`unknown run "${runId}"`);
    expect(await world.store.get(runKeys(runId).abort)).toBeUndefined();
    expect(stopCalls()).toEqual([]);
    expect(badId.code).toBe(104);
  });

  it('leaves a finished run alone', async () => {
    // Prepare
    const runId = 'abort-finished-1';
    const s = makeSummary('checkout');
    await world.put(runKeys(runId).summary, { ...s, runId });
    world.scriptExecution(runId, async () => ({ status: 'FAILED', error: 'ThresholdsFailed' }));
    // Act
    const res = await abort(runId, flags());
    // Assess
    expect(res.code).toBe(0);
    expect(res.stderr).toContain(`run ${runId} has already finished (thresholds-failed, exit 99)`);
    expect(await world.store.get(runKeys(runId).abort)).toBeUndefined();
    expect(stopCalls()).toEqual([]);
  });
});

describe('bin/k6-fleet.mjs abort (argument handling)', () => {
  it('documents the command and refuses a missing --stack or run id with 104', async () => {
    // Act
    const help = await runCli(['abort', '--help']);
    const noStack = await runCli(['abort', 'some-run']);
    const noRunId = await runCli(['abort', '--stack', 'k6-fleet-control']);
    const runHelp = await runCli(['run', '--help']);
    // Assess
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/abort \[options\] <runId>/);
    expect(help.stdout).toMatch(/--stack <name>/);
    expect(help.stdout).toMatch(/--wait <seconds>/);
    expect(noStack.code).toBe(104);
    expect(noStack.stderr).toMatch(/required option '--stack <name>' not specified/);
    expect(noRunId.code).toBe(104);
    expect(noRunId.stderr).toMatch(/missing required argument 'runId'/);
    expect(runHelp.stdout).toMatch(/--stack-region <region>/);
  });
});
