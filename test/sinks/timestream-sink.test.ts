import {
  RejectedRecordsException,
  ThrottlingException,
  TimestreamWriteClient,
  ValidationException,
  WriteRecordsCommand,
  type WriteRecordsCommandInput,
} from '@aws-sdk/client-timestream-write';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { type SinkLog, TimestreamSink } from '../../functions/adapters/sinks';
import { recordBytes } from '../../functions/adapters/sinks/timestream-records';
import { intervalRecord, rollupPoint } from './fixtures';

const tsMock = mockClient(TimestreamWriteClient);
afterEach(() => tsMock.reset());

function sinkWithFakeClock(extra: { maxAttempts?: number; maxSpoolItems?: number } = {}) {
  const delays: number[] = [];
  const logs: { level: string; message: string }[] = [];
  const log: SinkLog = (level, message) => logs.push({ level, message });
  const sink = new TimestreamSink({
    database: 'k6',
    table: 'metrics',
    client: new TimestreamWriteClient({ region: 'eu-west-1' }),
    delivery: {
      sleep: async (ms) => {
        delays.push(ms);
      },
      random: () => 1,
      baseDelayMs: 100,
      maxDelayMs: 1000,
      log,
      ...extra,
    },
  });
  return { sink, delays, logs };
}

const inputs = (): WriteRecordsCommandInput[] =>
  tsMock.commandCalls(WriteRecordsCommand).map((c) => c.args[0].input);

describe('TimestreamSink request shapes (aws-sdk-client-mock)', () => {
  it('sends MULTI records with CommonAttributes, ≤ 100 per request, each ≤ 2 KB', async () => {
    // Prepare
    tsMock.on(WriteRecordsCommand).resolves({ RecordsIngested: { Total: 1 } });
    const { sink } = sinkWithFakeClock();
    const recs = [intervalRecord({ extraSeries: 150 }), intervalRecord({ seq: 1 })];
    // Act
    await sink.writeIntervals(recs, 'checkout');
    await sink.writeRollup('run-1', 'checkout', rollupPoint(1_700_000_004_000, 4000, ['eu-west-1']));
    await sink.flush();
    // Assess
    const calls = inputs();
    const sizes = calls.map((c) => c.Records?.length);
    expect(sizes.every((n) => n !== undefined && n <= 100)).toBe(true);
    expect(sizes.reduce((a, b) => a! + b!, 0)).toBe(159 + 9 + 2);
    for (const c of calls) {
      expect(c.DatabaseName).toBe('k6');
      expect(c.TableName).toBe('metrics');
      expect(c.CommonAttributes?.MeasureValueType).toBe('MULTI');
      expect(c.CommonAttributes?.TimeUnit).toBe('MILLISECONDS');
      expect(c.CommonAttributes?.Dimensions?.find((d) => d.Name === 'run_id')?.Value).toBe('run-1');
      for (const r of c.Records ?? []) expect(recordBytes(r, c.CommonAttributes)).toBeLessThanOrEqual(2048);
    }
    const rollup = calls.find((c) => c.CommonAttributes?.MeasureName === 'k6_rollup')!;
    expect(rollup.Records).toHaveLength(2);
    expect(sink.stats()).toEqual({ written: 170, dropped: 0, retried: 0, spooled: 0 });
  });
});

describe('TimestreamSink failure paths (aws-sdk-client-mock)', () => {
  it('retries a throttled batch with backoff and jitter, then writes it', async () => {
    // Prepare
    tsMock
      .on(WriteRecordsCommand)
      .rejectsOnce(
        new ThrottlingException({
          message: 'Rate exceeded',
          Message: 'Rate exceeded',
          $metadata: { httpStatusCode: 400 },
        }),
      )
      .rejectsOnce(
        new ThrottlingException({
          message: 'Rate exceeded',
          Message: 'Rate exceeded',
          $metadata: { httpStatusCode: 400 },
        }),
      )
      .resolves({});
    const { sink, delays } = sinkWithFakeClock();
    // Act
    await sink.writeRollup('run-1', 't', rollupPoint(1_700_000_000_000, 2000, ['a', 'b']));
    await sink.flush();
    // Assess: 3 identical sends, exponential ceilings 100 then 200 (random()=1 takes the ceiling)
    const calls = inputs();
    expect(calls).toHaveLength(3);
    expect(calls[2]).toEqual(calls[0]);
    expect(delays).toEqual([100, 200]);
    expect(sink.stats()).toEqual({ written: 3, dropped: 0, retried: 6, spooled: 0 });
  });

  it('RejectedRecordsException: resends only the retryable rejected records, drops and counts the invalid', async () => {
    // Prepare
    tsMock
      .on(WriteRecordsCommand)
      .rejectsOnce(
        new RejectedRecordsException({
          message: 'One or more records have been rejected.',
          $metadata: { httpStatusCode: 419 },
          RejectedRecords: [
            { RecordIndex: 1, Reason: 'Internal error while processing the record.' },
            { RecordIndex: 3, Reason: 'Internal error while processing the record.' },
            {
              RecordIndex: 5,
              Reason: 'The record timestamp is outside the time range of the data ingestion window.',
            },
            { RecordIndex: 6, Reason: 'A record with the same dimensions exists', ExistingVersion: 1 },
          ],
        }),
      )
      .resolves({});
    const { sink } = sinkWithFakeClock();
    // Act
    await sink.writeIntervals([intervalRecord({})], 'checkout');
    await sink.flush();
    // Assess
    const [first, second] = inputs();
    expect(first!.Records).toHaveLength(9);
    expect(second!.Records).toEqual([first!.Records![1], first!.Records![3]]);
    expect(second!.CommonAttributes).toEqual(first!.CommonAttributes);
    expect(sink.stats()).toEqual({ written: 7, dropped: 2, retried: 2, spooled: 0 });
  });

  it('gives up after maxAttempts and counts the loss', async () => {
    // Prepare
    tsMock.on(WriteRecordsCommand).rejects(
      new ThrottlingException({
        message: 'Rate exceeded',
        Message: 'Rate exceeded',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const { sink, logs } = sinkWithFakeClock({ maxAttempts: 3 });
    // Act
    await sink.writeRollup('run-1', 't', rollupPoint(1_700_000_000_000, 2000, ['a']));
    await sink.flush();
    // Assess
    expect(inputs()).toHaveLength(3);
    expect(sink.stats()).toEqual({ written: 0, dropped: 2, retried: 4, spooled: 0 });
    expect(logs.some((l) => l.level === 'error' && /gave up/.test(l.message))).toBe(true);
  });

  it('drops and counts a batch the service refuses as a whole (ValidationException), without retrying', async () => {
    // Prepare
    tsMock.on(WriteRecordsCommand).rejects(
      new ValidationException({
        message: 'bad table',
        Message: 'bad table',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const { sink } = sinkWithFakeClock();
    // Act
    await sink.writeEvent('run-1', 't', { at: 1_700_000_000_000, kind: 'abort', text: 'threshold crossed' });
    await sink.flush();
    // Assess
    expect(inputs()).toHaveLength(1);
    expect(sink.stats()).toEqual({ written: 0, dropped: 1, retried: 0, spooled: 0 });
  });

  it('bounds the spool: beyond maxSpoolItems the oldest records are dropped and counted', async () => {
    // Prepare: the first send hangs until released, so everything else piles up
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    tsMock.on(WriteRecordsCommand).callsFake(async () => {
      await gate;
      return {};
    });
    const { sink } = sinkWithFakeClock({ maxSpoolItems: 20 });
    // Act
    await sink.writeIntervals([intervalRecord({ seq: 0 })], 't'); // 9 records, in flight at once
    for (let seq = 1; seq <= 4; seq++) await sink.writeIntervals([intervalRecord({ seq })], 't'); // 36 queued
    const during = sink.stats();
    release();
    await sink.flush();
    // Assess: 9 in flight + 20 spooled kept, 16 oldest queued dropped
    expect(during).toEqual({ written: 0, dropped: 16, retried: 0, spooled: 29 });
    expect(sink.stats()).toEqual({ written: 29, dropped: 16, retried: 0, spooled: 0 });
  });
});
