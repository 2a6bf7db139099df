import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { refusalCause } from '../../functions/adapters/aws/refusal-cause';
import { getJson } from '../../functions/adapters/store/run-store';
import {
  AbortInfoSchema,
  CONTROL_OUTPUTS,
  type RunInput,
  type RunStatus,
  runKeys,
  type Summary,
  SummarySchema,
} from '../../functions/contracts';
import { renderTextSummary } from '../../functions/core/summary/text-summary';
import { CONTROL_STACK_OUTPUTS, GRAFANA_URL_OUTPUT } from '../../functions/entrypoints/cli/aws/fleet-stack';
import { INVALID_INPUT_ERROR } from '../../functions/entrypoints/cli/aws/stack-exit-code';
import { type StackRunFlags, stackRunCommand } from '../../functions/entrypoints/cli/aws/stack-run-command';
import { renderLiveView } from '../../functions/entrypoints/local/live-view';
import { RUN_ERRORS } from '../../lib/constructs/run-state-machine';
import { planFixture } from '../handlers/support/plan-fixture';
import { makeSummary } from '../report/report-fixture';
import { rollupPoint } from '../sinks/fixtures';
import {
  executionArn,
  manualInterrupts,
  STACK,
  type StackWorld,
  startStackWorld,
  textSink,
} from './stack-support';

const REGIONS = ['eu-west-1', 'us-east-1'];
const SCRIPT = `import http from 'k6/http';
export const options = { vus: 4, duration: '30s', thresholds: { http_req_failed: ['rate<0.01'] } };
export default function () { http.get(__ENV.BASE_URL); }
`;

function status(
  runId: string,
  phase: RunStatus['phase'],
  elapsedMs: number,
  extra: Partial<RunStatus> = {},
): RunStatus {
  const t = 1_700_000_000_000 + elapsedMs;
  return {
    v: 1,
    runId,
    testName: 'checkout',
    phase,
    updatedAt: t,
    startAt: 1_700_000_000_000,
    elapsedMs,
    plannedDurationMs: 30_000,
    current: rollupPoint(t, elapsedMs, REGIONS),
    thresholds: [
      { metric: 'http_req_failed', expr: 'rate<0.01', ok: true, abortOnFail: false, value: 0.001 },
    ],
    runners: REGIONS.map((region) => ({ runnerId: `${region}-0`, region, state: 'running', lastSeq: 3 })),
    ...extra,
  };
}

function summary(
  runId: string,
  verdict: Summary['fleet']['verdict'],
  exitCode: number,
  extra: Partial<Summary['fleet']> = {},
): Summary {
  const s = makeSummary('checkout');
  return SummarySchema.parse({ ...s, runId, fleet: { ...s.fleet, verdict, exitCode, ...extra } });
}

describe('k6-fleet run --stack (CloudFormation + Step Functions mocked, run store on moto S3)', () => {
  let world: StackWorld;
  let dir: string;
  let scriptPath: string;

  beforeAll(async () => {
    world = await startStackWorld();
    dir = await mkdtemp(join(tmpdir(), 'k6-fleet-stack-run-'));
    scriptPath = join(dir, 'checkout.js');
    await writeFile(scriptPath, SCRIPT);
  });
  afterAll(async () => {
    await world?.stop();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => world.resetMocks());

  const flags = (extra: Partial<StackRunFlags> = {}): StackRunFlags => ({
    outDir: '.k6-fleet',
    stack: STACK.name,
    stackRegion: STACK.region,
    ...extra,
  });

  /** Starts the command in-process; resolves to its exit code and what it printed. */
  async function run(runId: string, f: StackRunFlags, interrupts = manualInterrupts()) {
    const stdout = textSink();
    const stderr = textSink();
    const code = await stackRunCommand(
      scriptPath,
      f,
      world.deps({ stdout, stderr, interrupts: interrupts.source, newRunId: () => runId }),
    );
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  }

  const startedInput = (): { stateMachineArn?: string; name?: string; input: RunInput } => {
    const calls = world.sfn.commandCalls(StartExecutionCommand);
    expect(calls).toHaveLength(1);
    const req = calls[0]!.args[0].input;
    return { stateMachineArn: req.stateMachineArn, name: req.name, input: JSON.parse(req.input ?? 'null') };
  };

  it('names the stack outputs and the InvalidInput error exactly as the CDK app declares them', () => {
    expect(CONTROL_OUTPUTS).toMatchObject(CONTROL_STACK_OUTPUTS);
    expect(CONTROL_OUTPUTS.grafanaUrl).toBe(GRAFANA_URL_OUTPUT);
    expect(INVALID_INPUT_ERROR).toBe(RUN_ERRORS.invalidInput);
  });

  it('uploads the script, starts an execution named after the run id, follows it live and exits 0 with the summary', async () => {
    // Prepare: the fleet plans, ticks twice and finishes; Finalize writes summary.json.
    const runId = 'cli-pass-1';
    const keys = runKeys(runId);
    const final = status(runId, 'finished', 31_000, { verdict: 'passed', exitCode: 0 });
    const passed = summary(runId, 'passed', 0, { failedThresholds: [] });
    const exec = world.scriptExecution(runId, async (n) => {
      if (n === 0) return { status: 'RUNNING' };
      if (n === 1) {
        await world.put(keys.plan, planFixture(runId, { 'eu-west-1': 1, 'us-east-1': 1 }));
        await world.put(keys.status, status(runId, 'running', 10_000));
        return { status: 'RUNNING' };
      }
      await world.put(keys.status, final);
      await world.put(keys.summary, passed);
      return { status: 'SUCCEEDED' };
    });
    const exportPath = join(dir, 'pass-summary.json');

    // Act
    const res = await run(
      runId,
      flags({ summaryExport: exportPath, env: { BASE_URL: 'https://shop.example' } }),
    );

    // Assess: the request shapes
    expect(world.cfn.commandCalls(DescribeStacksCommand).map((c) => c.args[0].input)).toEqual([
      { StackName: STACK.name },
    ]);
    const started = startedInput();
    expect(started.stateMachineArn).toBe(STACK.stateMachineArn);
    expect(started.name).toBe(runId);
    const s3Key = started.input.script && 's3Key' in started.input.script ? started.input.script.s3Key : '';
    expect(s3Key).toMatch(/^scripts\/cli\/checkout-[0-9a-f]{16}\.js$/);
    // No --region: the input leaves regions out, so Validate applies the fleet's split.
    expect(started.input).toEqual({
      runId,
      testName: 'checkout',
      script: { s3Key },
      env: { BASE_URL: 'https://shop.example' },
      tags: {},
    });
    expect(await world.store.get(s3Key)).toBe(SCRIPT);
    // …the follow loop and its output
    expect(exec.calls()).toBe(3);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain(`k6-fleet: run ${runId} started on ${STACK.name}`);
    expect(res.stderr).toContain(executionArn(runId));
    expect(res.stderr).toContain(`k6-fleet: dashboards ${STACK.grafanaUrl}`);
    expect(res.stderr).toContain('2 runners in eu-west-1 (50%, 1), us-east-1 (50%, 1)');
    expect(res.stderr).toContain(renderLiveView(final, REGIONS, false));
    expect(res.stderr).toContain(`k6-fleet: report s3://${STACK.bucket}/runs/${runId}/report.html`);
    expect(res.stdout).toBe(`${renderTextSummary(passed, { color: false })}\n`);
    expect(JSON.parse(await readFile(exportPath, 'utf8'))).toEqual(passed);
    expect(world.sfn.commandCalls(StopExecutionCommand)).toHaveLength(0);
  });

  it('sends the input the real Validate handler accepts: script under scripts/, the fleet regions when none are given', async () => {
    // Prepare: the CLI starts a run that ends at once (what matters is what it sent).
    const runId = 'cli-validate-1';
    world.scriptExecution(runId, async () => ({ status: 'FAILED', error: 'RunFailed', cause: 'test' }));
    await run(runId, flags({ tag: { team: 'payments' } }));
    const { name, input } = startedInput();
    vi.stubEnv('K6_FLEET_BUCKET', STACK.bucket);
    vi.stubEnv('K6_FLEET_BUCKET_REGION', STACK.region);
    vi.stubEnv('K6_FLEET_S3_ENDPOINT', world.moto.endpoint);
    vi.stubEnv(
      'K6_FLEET_RUNNER_REGIONS',
      JSON.stringify([
        { name: 'eu-west-1', weight: 60 },
        { name: 'us-east-1', weight: 40 },
      ]),
    );
    vi.stubEnv('K6_FLEET_MAX_VUS_PER_RUNNER', '300');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    const { handler } = await import('../../functions/entrypoints/handlers/validate-input-handler');

    // Act
    const result = await handler({ input, executionName: name });

    // Assess
    expect(result).toMatchObject({
      ok: true,
      runId,
      input: {
        runId,
        tags: { team: 'payments' },
        regions: [
          { name: 'eu-west-1', weight: 60 },
          { name: 'us-east-1', weight: 40 },
        ],
      },
    });
  });

  it('passes --region weights through and exits 99 when a threshold failed', async () => {
    // Prepare
    const runId = 'cli-thresholds-1';
    const keys = runKeys(runId);
    const failed = summary(runId, 'thresholds-failed', 99);
    world.scriptExecution(runId, async (n) => {
      if (n < 2) return { status: 'RUNNING' };
      await world.put(
        keys.status,
        status(runId, 'finished', 30_500, { verdict: 'thresholds-failed', exitCode: 99 }),
      );
      await world.put(keys.summary, failed);
      return { status: 'FAILED', error: 'ThresholdsFailed', cause: 'http_req_failed rate<0.01 failed' };
    });
    const regions = [
      { name: 'eu-west-1', weight: 70 },
      { name: 'us-east-1', weight: 30 },
    ];

    // Act
    const res = await run(runId, flags({ region: regions, runnersPerRegion: 2 }));

    // Assess
    expect(startedInput().input).toMatchObject({ regions, runnersPerRegion: 2 });
    expect(res.code).toBe(99);
    expect(res.stdout).toContain('http_req_failed');
    expect(res.stdout).toBe(`${renderTextSummary(failed, { color: false })}\n`);
  });

  it('exits 104 with the cause when the state machine refuses the input (InvalidInput), before any runner', async () => {
    // Prepare
    const runId = 'cli-invalid-1';
    const cause = 'no runners deployed in ap-south-1: this fleet has runners in eu-west-1, us-east-1';
    world.scriptExecution(runId, async (n) =>
      n === 0 ? { status: 'RUNNING' } : { status: 'FAILED', error: 'InvalidInput', cause },
    );
    // Act
    const res = await run(runId, flags({ region: [{ name: 'ap-south-1', weight: 100 }] }));
    // Assess
    expect(res.code).toBe(104);
    expect(res.stderr).toContain(`the run was refused: ${cause}`);
    expect(res.stdout).toBe('');
  });

  it('exits 107 like local mode when the state machine refuses a script k6 cannot run (InvalidInput)', async () => {
    // Prepare: the Plan handler's cause for a script exception
    const runId = 'cli-badscript-1';
    const cause = refusalCause(
      'k6 rejected the script: SyntaxError: file:///tmp/script.js: Unexpected token (1:33)',
      107,
    );
    world.scriptExecution(runId, async (n) =>
      n === 0 ? { status: 'RUNNING' } : { status: 'FAILED', error: 'InvalidInput', cause },
    );
    // Act
    const res = await run(runId, flags());
    // Assess
    expect(res.code).toBe(107);
    expect(res.stderr).toContain(`the run was refused: ${cause}`);
    expect(res.stdout).toBe('');
  });

  it('exits 255 with the error and cause when the execution ends without a summary', async () => {
    // Prepare
    const runId = 'cli-broken-1';
    world.scriptExecution(runId, async () => ({
      status: 'FAILED',
      error: 'RunFailed',
      cause: 'could not start runners in us-east-1: TooManyRequestsException',
    }));
    // Act
    const res = await run(runId, flags());
    // Assess
    expect(res.code).toBe(255);
    expect(res.stderr).toContain(
      'the execution ended FAILED without a summary: RunFailed: could not start runners in us-east-1: TooManyRequestsException',
    );
  });

  it('exits 105 when the execution is stopped in the console before a summary', async () => {
    const runId = 'cli-console-stop-1';
    world.scriptExecution(runId, async (n) => (n < 2 ? { status: 'RUNNING' } : { status: 'ABORTED' }));
    const res = await run(runId, flags());
    expect(res.code).toBe(105);
    expect(res.stderr).toMatch(/stopped \(console or StopExecution\)/);
  });

  it('on Ctrl-C writes abort.json once (source cli), keeps following to the summary, and exits 105', async () => {
    // Prepare: a watcher that, once it sees abort.json, stops the run and finalizes it.
    const runId = 'cli-interrupt-1';
    const keys = runKeys(runId);
    const ctrlC = manualInterrupts();
    let interruptedAt = -1;
    const exec = world.scriptExecution(runId, async (n) => {
      if (n === 0) {
        await world.put(keys.status, status(runId, 'running', 4_000));
        return { status: 'RUNNING' };
      }
      if (n === 1) {
        ctrlC.press();
        interruptedAt = n;
        return { status: 'RUNNING' };
      }
      const abort = await getJson(world.store, keys.abort, (v) => AbortInfoSchema.parse(v));
      if (!abort || n < 4) return { status: 'RUNNING' };
      await world.put(
        keys.status,
        status(runId, 'finished', 6_000, { abort, verdict: 'aborted', exitCode: 105 }),
      );
      await world.put(keys.summary, summary(runId, 'aborted', 105, { abort, failedThresholds: [] }));
      return { status: 'FAILED', error: 'RunFailed', cause: `aborted: ${abort.reason}` };
    });
    const exportPath = join(dir, 'interrupt-summary.json');

    // Act
    const res = await run(runId, flags({ summaryExport: exportPath }), ctrlC);

    // Assess
    const abort = await getJson(world.store, keys.abort, (v) => AbortInfoSchema.parse(v));
    expect(abort).toMatchObject({ source: 'cli', reason: expect.stringMatching(/Ctrl-C/) });
    expect(interruptedAt).toBe(1);
    expect(exec.calls()).toBe(5);
    expect(res.code).toBe(105);
    expect(res.stderr).toContain('asked every runner to stop');
    const exported = SummarySchema.parse(JSON.parse(await readFile(exportPath, 'utf8')));
    expect(exported.fleet.abort?.source).toBe('cli');
    expect(world.sfn.commandCalls(StopExecutionCommand)).toHaveLength(0);
  });

  it('on a second Ctrl-C stops the execution and exits 105 without a summary', async () => {
    // Prepare: the execution runs until StopExecution.
    const runId = 'cli-interrupt-2';
    const ctrlC = manualInterrupts();
    let stopped = false;
    world.sfn.on(StopExecutionCommand).callsFake(async () => {
      stopped = true;
      return { stopDate: new Date() };
    });
    world.scriptExecution(runId, async (n) => {
      if (n === 1 || n === 2) ctrlC.press();
      return stopped ? { status: 'ABORTED', error: 'k6-fleet.Aborted' } : { status: 'RUNNING' };
    });
    // Act
    const res = await run(runId, flags(), ctrlC);
    // Assess
    expect(world.sfn.commandCalls(StopExecutionCommand).map((c) => c.args[0].input)).toEqual([
      {
        executionArn: executionArn(runId),
        error: 'k6-fleet.Aborted',
        cause: `k6-fleet CLI: run ${runId} interrupted twice`,
      },
    ]);
    expect(await world.store.get(runKeys(runId).abort)).toBeDefined();
    expect(res.code).toBe(105);
    expect(res.stdout).toBe('');
  });

  it('refuses bad flags with 104 before uploading or starting anything', async () => {
    // Act
    const weights = await run(
      'cli-bad-1',
      flags({
        region: [
          { name: 'eu-west-1', weight: 60 },
          { name: 'us-east-1', weight: 30 },
        ],
      }),
    );
    const sink = await run('cli-bad-2', flags({ sink: 'none' }));
    const missing = await stackRunCommand(join(dir, 'nope.js'), flags(), world.deps({ stderr: textSink() }));
    // Assess
    expect(weights.code).toBe(104);
    expect(weights.stderr).toMatch(/weights must sum to 100, they sum to 90/);
    expect(sink.code).toBe(104);
    expect(sink.stderr).toMatch(/--sink is for local runs only/);
    expect(missing).toBe(104);
    expect(world.cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
    expect(world.sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('exits 104 naming the problem for an unknown stack, a stack without the outputs, and a run id already used', async () => {
    // Prepare
    world.cfn
      .on(DescribeStacksCommand, { StackName: 'nope-control' })
      .rejects(
        Object.assign(new Error('Stack with id nope-control does not exist'), { name: 'ValidationError' }),
      );
    world.cfn.on(DescribeStacksCommand, { StackName: 'other-stack' }).resolves({
      Stacks: [
        { StackName: 'other-stack', CreationTime: new Date(0), StackStatus: 'CREATE_COMPLETE', Outputs: [] },
      ],
    });
    world.sfn
      .on(StartExecutionCommand)
      .rejects(Object.assign(new Error('Execution Already Exists'), { name: 'ExecutionAlreadyExists' }));
    // Act
    const unknown = await run('cli-stack-1', flags({ stack: 'nope-control' }));
    const other = await run('cli-stack-2', flags({ stack: 'other-stack' }));
    const reused = await run('cli-stack-3', flags());
    // No --stack-region: AWS_DEFAULT_REGION is the fallback after AWS_REGION.
    const stderr = textSink();
    const fallback = await stackRunCommand(
      scriptPath,
      flags({ stack: 'nope-control', stackRegion: undefined }),
      world.deps({ stderr, env: { AWS_DEFAULT_REGION: 'us-west-2' }, newRunId: () => 'cli-stack-4' }),
    );
    const lastCfnClient = world.cfn.commandCalls(DescribeStacksCommand).at(-1)?.thisValue as {
      config: { region: () => Promise<string> };
    };
    // Assess
    expect(unknown.code).toBe(104);
    expect(unknown.stderr).toContain('no stack "nope-control" in eu-west-1');
    expect(other.code).toBe(104);
    expect(other.stderr).toContain('not a k6-fleet control stack');
    expect(other.stderr).toContain('StateMachineArn, BucketName, HomeRegion');
    expect(reused.code).toBe(104);
    expect(reused.stderr).toContain('an execution named "cli-stack-3" already exists');
    expect(fallback).toBe(104);
    expect(stderr.text()).toContain('no stack "nope-control" in us-west-2');
    expect(await lastCfnClient.config.region()).toBe('us-west-2');
  });
});
