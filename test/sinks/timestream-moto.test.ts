import {
  CreateDatabaseCommand,
  CreateTableCommand,
  TimestreamWriteClient,
} from '@aws-sdk/client-timestream-write';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSink, type MetricsSink } from '../../functions/adapters/sinks';
import { type Moto, startMoto } from '../support/moto';
import { motoTimestreamRecords } from '../support/moto-timestream';
import { intervalRecord, rollupPoint } from './fixtures';
import { type FaultProxy, startFaultProxy } from './timestream-fault-proxy';

/**
 * The Timestream sink through the real AWS SDK against moto's Timestream write API, with a
 * loopback proxy in front that records each request and injects the service's throttling
 * and partial-rejection answers (moto has neither).
 */
let moto: Moto;
let proxy: FaultProxy;
const REGION = 'us-east-1';

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = 'testing';
  process.env.AWS_SECRET_ACCESS_KEY = 'testing';
  moto = await startMoto();
  proxy = await startFaultProxy(moto.endpoint);
  const admin = new TimestreamWriteClient({ region: REGION, endpoint: moto.endpoint });
  await admin.send(new CreateDatabaseCommand({ DatabaseName: 'k6fleet' }));
  for (const t of ['metrics', 'faults'])
    await admin.send(new CreateTableCommand({ DatabaseName: 'k6fleet', TableName: t }));
});

afterAll(async () => {
  await proxy?.close();
  await moto?.stop();
});

function sinkFor(table: string): MetricsSink {
  return createSink(
    { kind: 'timestream', database: 'k6fleet', table, region: REGION, endpoint: proxy.endpoint },
    { delivery: { baseDelayMs: 5, maxDelayMs: 20 } },
  );
}

describe('TimestreamSink against moto', () => {
  it('records arrive, in requests of at most 100 records, with no endpoint discovery call', async () => {
    // Prepare: 2 runners × 3 intervals; one runner has 150 extra series (→ 100 + 59 per interval)
    const sink = sinkFor('metrics');
    const before = proxy.writes.length;
    const records = [0, 1, 2].flatMap((seq) => [
      intervalRecord({ runnerId: 'r0', seq }),
      intervalRecord({ runnerId: 'r1', seq, extraSeries: 150 }),
    ]);
    // Act
    await sink.writeIntervals(records, 'checkout');
    for (let i = 1; i <= 3; i++) {
      await sink.writeRollup(
        'run-1',
        'checkout',
        rollupPoint(1_700_000_000_000 + i * 2000, i * 2000, ['eu-west-1']),
      );
    }
    await sink.writeEvent('run-1', 'checkout', { at: 1_700_000_000_500, kind: 'start', text: 'run started' });
    await sink.flush();
    // Assess
    const expected = 3 * (9 + 159) + 3 * 2 + 1;
    const stored = (await motoTimestreamRecords(moto.endpoint))['k6fleet/metrics'] ?? [];
    expect(stored).toHaveLength(expected);
    expect(sink.stats()).toEqual({ written: expected, dropped: 0, retried: 0, spooled: 0 });
    const writes = proxy.writes.slice(before);
    expect(writes.every((w) => w.Records.length <= 100)).toBe(true);
    expect(writes.map((w) => w.Records.length).sort((a, b) => b - a)).toEqual([
      100, 100, 100, 59, 59, 59, 9, 9, 9, 2, 2, 2, 1,
    ]);
    // moto keeps Records as sent (CommonAttributes such as the rollups' MeasureName aside)
    const scopes = stored.flatMap(
      (r) => r.Dimensions?.filter((d) => d.Name === 'scope').map((d) => d.Value) ?? [],
    );
    expect(scopes.filter((s) => s === 'global')).toHaveLength(3);
    expect(scopes.filter((s) => s === 'region')).toHaveLength(3);
    expect(stored.every((r) => r.MeasureValueType === undefined || r.MeasureValueType === 'MULTI')).toBe(
      true,
    );
    expect(proxy.operations).not.toContain('DescribeEndpoints');
  });

  it('throttled requests are retried and rejected records resent alone: every record arrives once', async () => {
    // Prepare
    const sink = sinkFor('faults');
    const before = proxy.writes.length;
    proxy.faults.push({ kind: 'throttle' }, { kind: 'reject', indexes: [2, 4], reason: 'Internal error' });
    // Act
    await sink.writeIntervals([intervalRecord({ runnerId: 'r0' })], 'checkout');
    await sink.flush();
    // Assess: throttled (9, nothing stored) → resent (9, 7 stored, 2 rejected) → the 2 alone
    const writes = proxy.writes.slice(before);
    expect(writes.map((w) => w.Records.length)).toEqual([9, 9, 2]);
    expect(writes[2]!.Records).toEqual([writes[1]!.Records[2], writes[1]!.Records[4]]);
    const stored = (await motoTimestreamRecords(moto.endpoint))['k6fleet/faults'] ?? [];
    expect(stored).toHaveLength(9);
    expect(new Set(stored.map((r) => JSON.stringify(r))).size).toBe(9);
    expect(sink.stats()).toEqual({ written: 9, dropped: 0, retried: 11, spooled: 0 });
  });
});
