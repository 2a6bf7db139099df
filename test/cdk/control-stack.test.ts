import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONTROL_OUTPUTS } from '../../functions/contracts';
import { HANDLER_ENV } from '../../functions/contracts/handler-env';
import { INTERVAL_OBJECT_TAG } from '../../functions/contracts/store-keys';
import { RUN_ERRORS, RUN_STATES } from '../../lib/constructs/run-state-machine';
import { configWith, only, type SynthedFleet, sampleConfigInput, synthFleet } from './support/fleet-fixture';

interface AslState {
  Type: string;
  Resource?: unknown;
  Next?: string;
  Default?: string;
  Error?: string;
  CausePath?: string;
  Choices?: { Next: string }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  Seconds?: number;
}

/** The ASL definition with each `Fn::GetAtt [id, Arn]` replaced by `<id>`. */
function definitionOf(fleet: SynthedFleet): {
  StartAt: string;
  States: Record<string, AslState>;
  TimeoutSeconds: number;
} {
  const { props } = only(fleet.controlTemplate, 'AWS::StepFunctions::StateMachine');
  const parts = (props.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  const text = parts
    .map((p) => (typeof p === 'string' ? p : `<${(p as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]}>`))
    .join('');
  return JSON.parse(text);
}

describe('ControlStack', () => {
  let fleet: SynthedFleet;
  let logicalIdOf: (fn: 'validate' | 'plan' | 'dispatch' | 'watch' | 'finalize' | 'abortOnStop') => string;

  beforeAll(() => {
    fleet = synthFleet();
    logicalIdOf = (fn) => fleet.control.getLogicalId(fleet.control.functions[fn].node.defaultChild as never);
  }, 600_000);

  it('lives in the home region', () => {
    expect(fleet.control.region).toBe('eu-west-1');
    expect(fleet.control.account).toBe('123456789012');
  });

  it('keeps runs in an encrypted, TLS-only, private bucket with lifecycle rules', () => {
    const t = fleet.controlTemplate;
    t.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: { 'Fn::Join': ['', ['k6-fleet-runs-', { Ref: 'AWS::AccountId' }, '-eu-west-1']] },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'run-store/' },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: 'runs/', ExpirationInDays: 90, Status: 'Enabled' }),
          Match.objectLike({
            Prefix: 'runs/',
            ExpirationInDays: 7,
            TagFilters: [{ Key: INTERVAL_OBJECT_TAG.key, Value: INTERVAL_OBJECT_TAG.value }],
          }),
          Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
        ]),
      },
    });
    t.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({ BucketName: Match.anyValue() }),
      DeletionPolicy: 'Retain',
    });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('creates the Timestream database and table with the configured retention', () => {
    const t = fleet.controlTemplate;
    t.hasResourceProperties('AWS::Timestream::Database', { DatabaseName: 'k6fleet' });
    t.hasResourceProperties('AWS::Timestream::Table', {
      DatabaseName: { Ref: Match.stringLikeRegexp('MetricsDatabase') },
      TableName: 'metrics',
      RetentionProperties: {
        MemoryStoreRetentionPeriodInHours: '24',
        MagneticStoreRetentionPeriodInDays: '365',
      },
    });
  });

  it('creates no Timestream resources when the config has none', () => {
    const { timestream: _omit, ...rest } = sampleConfigInput();
    const t = synthFleet(configWith({ ...rest, timestream: undefined })).controlTemplate;
    t.resourceCountIs('AWS::Timestream::Database', 0);
    t.resourceCountIs('AWS::Timestream::Table', 0);
  });

  it('runs every control Lambda on Node.js 22 / arm64 with its environment', () => {
    const t = fleet.controlTemplate;
    for (const fn of ['validate', 'plan', 'dispatch', 'watch', 'finalize', 'abortOnStop'] as const) {
      const props = t.toJSON().Resources[logicalIdOf(fn)].Properties;
      expect(props).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
      });
      expect(props.Environment.Variables[HANDLER_ENV.bucketRegion]).toBe('eu-west-1');
    }
    const env = (fn: 'validate' | 'plan' | 'dispatch') =>
      t.toJSON().Resources[logicalIdOf(fn)].Properties.Environment.Variables;
    expect(JSON.parse(env('validate')[HANDLER_ENV.runnerRegions])).toEqual([
      { name: 'eu-west-1', weight: 50 },
      { name: 'us-east-1', weight: 30 },
      { name: 'ap-southeast-2', weight: 20 },
    ]);
    expect(env('validate')[HANDLER_ENV.maxVusPerRunner]).toBe('300');
    expect(env('plan')[HANDLER_ENV.runnerTimeoutSeconds]).toBe('900');
    expect(env('plan')[HANDLER_ENV.k6Path]).toBe('/opt/bin/k6');
    expect(env('dispatch')[HANDLER_ENV.runnerFunctionName]).toBe('k6-fleet-runner');
    // The watcher and finalizer write the metrics sink: the fleet's Timestream table.
    const sink = { kind: 'timestream', database: 'k6fleet', table: 'metrics', region: 'eu-west-1' };
    for (const fn of ['watch', 'finalize'] as const) {
      expect(
        JSON.parse(t.toJSON().Resources[logicalIdOf(fn)].Properties.Environment.Variables[HANDLER_ENV.sink]),
      ).toEqual(sink);
    }
    expect(env('dispatch')[HANDLER_ENV.sink]).toBeUndefined();
    // The planner runs `k6 inspect`: it carries the k6 layer.
    expect(t.toJSON().Resources[logicalIdOf('plan')].Properties.Layers).toHaveLength(1);
    t.hasResourceProperties('AWS::Lambda::LayerVersion', { CompatibleArchitectures: ['arm64'] });
  });

  /** The statements of a function's role policy. */
  function statementsOf(
    fn: Parameters<typeof logicalIdOf>[0],
  ): { Action: string | string[]; Resource: unknown }[] {
    const policies = fleet.controlTemplate.findResources('AWS::IAM::Policy');
    const roleRef =
      fleet.controlTemplate.toJSON().Resources[logicalIdOf(fn)].Properties.Role['Fn::GetAtt'][0];
    const policy = Object.values(policies).find((p) =>
      (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleRef),
    );
    return policy?.Properties.PolicyDocument.Statement ?? [];
  }
  const bucketArn = () => ({
    'Fn::GetAtt': [
      fleet.control.getLogicalId(fleet.control.runStore.bucket.node.defaultChild as never),
      'Arn',
    ],
  });
  const prefixArn = (prefix: string) => ({ 'Fn::Join': ['', [bucketArn(), `/${prefix}*`]] });

  it('grants each Lambda only its run-store prefixes', () => {
    const resourcesWith = (fn: Parameters<typeof logicalIdOf>[0], action: string) =>
      statementsOf(fn)
        .filter((s) => [s.Action].flat().includes(action))
        .flatMap((s) => [s.Resource].flat());
    // Validate reads scripts/ and stores an inline script once per run, at runs/<runId>/script.js.
    const inlineScripts = { 'Fn::Join': ['', [bucketArn(), '/runs/*/script.js']] };
    expect(resourcesWith('validate', 's3:GetObject*')).toEqual([
      bucketArn(),
      inlineScripts,
      prefixArn('scripts/'),
    ]);
    expect(resourcesWith('validate', 's3:PutObject')).toEqual([inlineScripts]);
    expect(resourcesWith('validate', 's3:DeleteObject*')).toEqual([]);
    expect(resourcesWith('plan', 's3:PutObject')).toEqual([bucketArn(), prefixArn('runs/')]);
    expect(resourcesWith('plan', 's3:GetObject*')).toContainEqual(prefixArn('scripts/'));
    expect(resourcesWith('watch', 's3:PutObject')).toEqual([bucketArn(), prefixArn('runs/')]);
    expect(resourcesWith('finalize', 's3:PutObject')).toEqual([
      bucketArn(),
      prefixArn('history/'),
      prefixArn('runs/'),
    ]);
    expect(resourcesWith('abortOnStop', 's3:PutObject')).toEqual([bucketArn(), prefixArn('runs/')]);
    expect(resourcesWith('finalize', 'events:PutEvents')).toEqual([
      {
        'Fn::Join': [
          '',
          ['arn:', { Ref: 'AWS::Partition' }, ':events:eu-west-1:123456789012:event-bus/default'],
        ],
      },
    ]);
    // Timestream: WriteRecords on the one table; DescribeEndpoints cannot be scoped.
    expect(resourcesWith('watch', 'timestream:WriteRecords')).toEqual([
      { 'Fn::GetAtt': [fleet.control.getLogicalId(fleet.control.metricsTable?.table as never), 'Arn'] },
    ]);
    expect(resourcesWith('finalize', 'timestream:WriteRecords')).toEqual(
      resourcesWith('watch', 'timestream:WriteRecords'),
    );
    expect(resourcesWith('watch', 'timestream:DescribeEndpoints')).toEqual(['*']);
    expect(resourcesWith('validate', 'timestream:WriteRecords')).toEqual([]);
    // CloudWatch server-metric sources: the planner probes them, the watcher reads them; no one else.
    expect(resourcesWith('plan', 'cloudwatch:GetMetricData')).toEqual(['*']);
    expect(resourcesWith('watch', 'cloudwatch:GetMetricData')).toEqual(['*']);
    for (const fn of ['validate', 'dispatch', 'finalize', 'abortOnStop'] as const) {
      expect(resourcesWith(fn, 'cloudwatch:GetMetricData')).toEqual([]);
    }
  });

  it('lets the dispatcher invoke the runner function in every runner region, and nothing else', () => {
    const invoke = statementsOf('dispatch').filter((s) =>
      [s.Action].flat().includes('lambda:InvokeFunction'),
    );
    const arns = invoke.flatMap((s) => [s.Resource].flat()).map((r) => JSON.stringify(r));
    for (const region of ['eu-west-1', 'us-east-1', 'ap-southeast-2']) {
      expect(arns).toContain(
        JSON.stringify({
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              `:lambda:${region}:`,
              { Ref: 'AWS::AccountId' },
              ':function:k6-fleet-runner',
            ],
          ],
        }),
      );
    }
    expect(arns).toHaveLength(6); // each function and its versions (":*")
  });

  it('defines Validate → Plan → Dispatch → Watch loop → Finalize with the documented failures', () => {
    const asl = definitionOf(fleet);
    const s = asl.States;
    const S = RUN_STATES;
    expect(asl.StartAt).toBe(S.start);
    expect(s[S.start]?.Next).toBe(S.validate);
    expect(s[S.validate]).toMatchObject({
      Type: 'Task',
      Resource: `<${logicalIdOf('validate')}>`,
      Next: S.isInputValid,
    });
    expect(s[S.isInputValid]).toMatchObject({ Choices: [{ Next: S.invalidInput }], Default: S.plan });
    expect(s[S.plan]).toMatchObject({ Resource: `<${logicalIdOf('plan')}>`, Next: S.isPlanned });
    expect(s[S.isPlanned]).toMatchObject({ Choices: [{ Next: S.scriptRejected }], Default: S.dispatch });
    expect(s[S.dispatch]).toMatchObject({ Resource: `<${logicalIdOf('dispatch')}>`, Next: S.isDispatched });
    expect(s[S.isDispatched]).toMatchObject({ Choices: [{ Next: S.dispatchFailed }], Default: S.watch });
    expect(s[S.watch]).toMatchObject({ Resource: `<${logicalIdOf('watch')}>`, Next: S.isFinished });
    expect(s[S.isFinished]).toMatchObject({ Choices: [{ Next: S.finalize }], Default: S.waitTick });
    expect(s[S.waitTick]).toMatchObject({ Type: 'Wait', Seconds: 5, Next: S.watch });
    expect(s[S.finalize]).toMatchObject({ Resource: `<${logicalIdOf('finalize')}>`, Next: S.verdict });
    expect(s[S.verdict]).toMatchObject({
      Choices: [{ Next: S.passed }, { Next: S.thresholdsFailed }],
      Default: S.runFailed,
    });
    expect(s[S.passed]?.Type).toBe('Succeed');
    expect(s[S.invalidInput]).toMatchObject({
      Type: 'Fail',
      Error: RUN_ERRORS.invalidInput,
      CausePath: '$.validation.cause',
    });
    expect(s[S.scriptRejected]).toMatchObject({
      Type: 'Fail',
      Error: RUN_ERRORS.invalidInput,
      CausePath: '$.plan.cause',
    });
    expect(s[S.dispatchFailed]).toMatchObject({
      Type: 'Fail',
      Error: RUN_ERRORS.runFailed,
      CausePath: '$.dispatch.cause',
    });
    expect(s[S.thresholdsFailed]).toMatchObject({
      Type: 'Fail',
      Error: RUN_ERRORS.thresholdsFailed,
      CausePath: '$.result.cause',
    });
    expect(s[S.runFailed]).toMatchObject({
      Type: 'Fail',
      Error: RUN_ERRORS.runFailed,
      CausePath: '$.result.cause',
    });
    // Every Task sends unexpected errors to ControlPlaneError (error RunFailed).
    for (const task of [S.validate, S.plan, S.dispatch, S.watch, S.finalize]) {
      expect(s[task]?.Catch).toEqual([
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: S.controlPlaneError },
      ]);
    }
    expect(s[S.controlPlaneError]).toMatchObject({ Type: 'Fail', Error: RUN_ERRORS.runFailed });
    expect(asl.TimeoutSeconds).toBe(900 + 15 * 60);
  });

  it('runs as a Standard state machine with logs that leave execution data (secrets) out', () => {
    fleet.controlTemplate.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'k6-fleet-run',
      StateMachineType: 'STANDARD',
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
      TracingConfiguration: { Enabled: true },
    });
  });

  it("routes this state machine's ABORTED / FAILED / TIMED_OUT events to the abort handler", () => {
    const t = fleet.controlTemplate;
    const sm = only(t, 'AWS::StepFunctions::StateMachine').logicalId;
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: { stateMachineArn: [{ Ref: sm }], status: ['ABORTED', 'FAILED', 'TIMED_OUT'] },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalIdOf('abortOnStop'), 'Arn'] } })],
    });
    t.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [logicalIdOf('abortOnStop'), 'Arn'] },
      Principal: 'events.amazonaws.com',
    });
  });

  it('starts the state machine on each configured schedule with its input', () => {
    const t = fleet.controlTemplate;
    const sm = only(t, 'AWS::StepFunctions::StateMachine').logicalId;
    const schedule = only(t, 'AWS::Scheduler::Schedule');
    expect(schedule.props).toMatchObject({
      Name: 'nightly-checkout',
      GroupName: 'k6-fleet',
      ScheduleExpression: 'cron(0 2 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      State: 'ENABLED',
      Target: { Arn: { Ref: sm }, RetryPolicy: { MaximumRetryAttempts: 0 } },
    });
    const input = JSON.parse((schedule.props.Target as { Input: string }).Input);
    expect(input).toEqual({ ...sampleConfigInput().schedules?.[0]?.input });
    const group = only(t, 'AWS::Scheduler::ScheduleGroup').logicalId;
    expect(t.toJSON().Resources[schedule.logicalId].DependsOn).toContain(group);
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{ Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: sm } }],
      },
    });
  });

  it('names the schedule input after the schedule when it has no testName', () => {
    const base = sampleConfigInput();
    const schedules = [{ name: 'hourly', expression: 'rate(1 hour)', input: { script: { inline: 'x' } } }];
    const t = synthFleet(configWith({ ...base, schedules })).controlTemplate;
    const schedule = only(t, 'AWS::Scheduler::Schedule');
    expect(schedule.props).toMatchObject({
      ScheduleExpression: 'rate(1 hour)',
      ScheduleExpressionTimezone: 'UTC',
    });
    expect(JSON.parse((schedule.props.Target as { Input: string }).Input)).toEqual({
      testName: 'hourly',
      script: { inline: 'x' },
    });
  });

  it('exports what the CLI needs to start and follow runs', () => {
    const outputs = fleet.controlTemplate.toJSON().Outputs;
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining([
        CONTROL_OUTPUTS.stateMachineArn,
        CONTROL_OUTPUTS.bucketName,
        CONTROL_OUTPUTS.region,
      ]),
    );
  });
});
