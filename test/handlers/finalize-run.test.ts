import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { publishRunFinished } from '../../functions/adapters/aws/run-finished-publisher';
import { RUN_FINISHED_DETAIL_TYPE, RUN_FINISHED_SOURCE, type Summary } from '../../functions/contracts';

type Fleet = Summary['fleet'];
const REPORT = 's3://runs-bucket/runs/r1/report.html';

function summaryWith(fleet: Partial<Fleet>): Summary {
  return {
    v: 1,
    runId: 'r1',
    testName: 't',
    state: { testRunDurationMs: 1000 },
    options: { summaryTrendStats: [] },
    metrics: {},
    checks: [],
    fleet: {
      verdict: 'passed',
      exitCode: 0,
      startAt: 1,
      endAt: 2,
      regions: [],
      runners: [],
      startSkewMs: 0,
      anomalies: [],
      failedThresholds: [],
      ...fleet,
    },
  };
}

describe('finalize handler', () => {
  let verdictCause: (summary: Summary, reportUri: string) => string;
  const events = mockClient(EventBridgeClient);

  beforeAll(async () => {
    vi.stubEnv('K6_FLEET_BUCKET', 'runs-bucket');
    vi.stubEnv('K6_FLEET_BUCKET_REGION', 'eu-west-1');
    ({ verdictCause } = await import('../../functions/entrypoints/handlers/finalize-run-handler'));
  });
  afterEach(() => events.reset());

  it.each([
    [{ verdict: 'passed' }, 'Passed: all thresholds held. Report: s3://runs-bucket/runs/r1/report.html'],
    [
      {
        verdict: 'thresholds-failed',
        exitCode: 99,
        failedThresholds: [
          { metric: 'http_req_duration', expr: 'p(95)<200' },
          { metric: 'checks', expr: 'rate>0.99' },
        ],
      },
      `Thresholds failed: http_req_duration p(95)<200, checks rate>0.99. Report: ${REPORT}`,
    ],
    [
      {
        verdict: 'aborted',
        exitCode: 105,
        abort: { source: 'console', reason: 'stopped in the console', at: 1 },
      },
      `Run aborted by console: stopped in the console. Report: ${REPORT}`,
    ],
    [
      {
        verdict: 'failed',
        exitCode: 107,
        runners: [
          {
            runnerId: 'eu-west-1-0',
            region: 'eu-west-1',
            segment: '0:1',
            outcome: 'failed',
            k6ExitCode: 107,
            startOffsetMs: null,
            reason: 'script exception',
          },
        ],
      },
      `Run failed (k6 exit 107): eu-west-1-0 failed (script exception). Report: ${REPORT}`,
    ],
  ] as [Partial<Fleet>, string][])('turns a %j verdict into a cause a user can act on', (fleet, cause) => {
    expect(verdictCause(summaryWith(fleet), REPORT)).toBe(cause);
  });

  it('publishes k6-fleet Run Finished to the bus, and fails when EventBridge rejects the entry', async () => {
    // Prepare
    const client = new EventBridgeClient({ region: 'eu-west-1' });
    const detail = {
      runId: 'r1',
      testName: 't',
      verdict: 'passed' as const,
      exitCode: 0,
      summaryKey: 'runs/r1/summary.json',
      reportKey: 'runs/r1/report.html',
      bucket: 'runs-bucket',
    };
    events
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] })
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'AccessDenied', ErrorMessage: 'no' }] });
    // Act
    await publishRunFinished(client, 'default', detail);
    const rejected = publishRunFinished(client, 'default', detail);
    // Assess
    await expect(rejected).rejects.toThrow('EventBridge rejected the Run Finished event: AccessDenied no');
    expect(events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries).toEqual([
      {
        EventBusName: 'default',
        Source: RUN_FINISHED_SOURCE,
        DetailType: RUN_FINISHED_DETAIL_TYPE,
        Detail: JSON.stringify(detail),
      },
    ]);
  });
});
