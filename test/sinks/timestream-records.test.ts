import { describe, expect, it } from 'vitest';
import { decodeHistogram } from '../../functions/adapters/sinks/histogram-payload';
import { DIM, MEASURE, SCOPE, TIMESTREAM_LIMITS } from '../../functions/adapters/sinks/schema';
import { intervalPoints, rollupPoints } from '../../functions/adapters/sinks/sink-points';
import {
  billedWriteUnits,
  encodeGroup,
  recordBytes,
  requestBytes,
  toWrites,
} from '../../functions/adapters/sinks/timestream-records';
import { intervalRecord, latencyHistogram, rollupPoint } from './fixtures';

describe('Timestream record encoding', () => {
  it('lifts run/region/runner/time into CommonAttributes and writes MULTI records', () => {
    // Prepare
    const rec = intervalRecord({ runnerId: 'r7', region: 'us-east-1' });
    // Act
    const enc = encodeGroup(intervalPoints(rec, 'checkout'));
    // Assess
    expect(enc.common).toMatchObject({
      MeasureValueType: 'MULTI',
      TimeUnit: 'MILLISECONDS',
      Time: String(rec.endMs),
    });
    expect(enc.common.Dimensions).toEqual([
      { Name: DIM.runId, Value: 'run-1' },
      { Name: DIM.testName, Value: 'checkout' },
      { Name: DIM.region, Value: 'us-east-1' },
      { Name: DIM.runner, Value: 'r7' },
      { Name: DIM.scope, Value: SCOPE.runner },
    ]);
    expect(enc.common.MeasureName).toBeUndefined(); // series and process share the request
    expect(enc.records).toHaveLength(rec.series.length + 1);
    const reqs = enc.records.find((r) => r.Dimensions?.some((d) => d.Value === 'http_reqs'))!;
    expect(reqs.MeasureName).toBe(MEASURE.series);
    expect(reqs.Dimensions).toContainEqual({ Name: 'tag_status', Value: '200' });
    expect(reqs.MeasureValues).toContainEqual({ Name: 'count', Value: '100', Type: 'DOUBLE' });
    expect(reqs.MeasureValues).toContainEqual({ Name: 'rate', Value: '50', Type: 'DOUBLE' });
    const trend = enc.records.find((r) => r.Dimensions?.some((d) => d.Value === 'http_req_duration'))!;
    // empty tag values never become dimensions (Timestream rejects them)
    expect(trend.Dimensions?.some((d) => d.Name === 'tag_group')).toBe(false);
    const hist = trend.MeasureValues?.find((m) => m.Name === 'hist');
    expect(hist?.Type).toBe('VARCHAR');
    expect(decodeHistogram(hist!.Value!).count).toBe(100);
    for (const r of enc.records)
      expect(recordBytes(r, enc.common)).toBeLessThanOrEqual(TIMESTREAM_LIMITS.recordBytes);
  });

  it('downscales a histogram until its record fits in 2 KB', () => {
    // Prepare: a wide distribution (160 buckets of large counts) and long tag values
    const rec = intervalRecord({});
    const counts = Array.from({ length: 160 }, (_, i) => 1_000_000_000_000 + i);
    const wide = {
      ...latencyHistogram(10, 30, 11),
      scale: 5,
      positive: { offset: 100, counts },
      count: counts.reduce((a, b) => a + b, 0),
    };
    rec.series = [
      {
        metric: 'http_req_duration',
        contains: 'time',
        type: 'trend',
        hist: wide,
        tags: { scenario: 'x'.repeat(200) },
      },
    ];
    // Act
    const enc = encodeGroup(intervalPoints(rec, 't'));
    // Assess
    expect(enc.downscaled).toBe(1);
    const r = enc.records[0]!;
    expect(recordBytes(r, enc.common)).toBeLessThanOrEqual(2048);
    const back = decodeHistogram(r.MeasureValues!.find((m) => m.Name === 'hist')!.Value!);
    expect(back.count).toBe(wide.count);
    expect(back.scale).toBeLessThan(wide.scale);
  });

  it('splits a group into requests of at most 100 records', () => {
    // Prepare
    const rec = intervalRecord({ extraSeries: 242 }); // 8 + 242 series + process = 251 records
    // Act
    const writes = toWrites(encodeGroup(intervalPoints(rec, 't')));
    // Assess
    expect(writes.map((w) => w.records.length)).toEqual([100, 100, 51]);
    for (const w of writes) expect(w.common.Time).toBe(String(rec.endMs));
  });

  it('rollups: one record per scope/region, measure name common, billed per started KiB', () => {
    // Prepare
    const point = rollupPoint(1_700_000_004_000, 4000, ['eu-west-1', 'us-east-1']);
    // Act
    const enc = encodeGroup(rollupPoints('run-1', 'checkout', point));
    // Assess
    expect(enc.common.MeasureName).toBe(MEASURE.rollup);
    expect(enc.records.map((r) => r.Dimensions)).toEqual([
      [
        { Name: DIM.scope, Value: 'global' },
        { Name: DIM.region, Value: '_global' },
      ],
      [
        { Name: DIM.scope, Value: 'region' },
        { Name: DIM.region, Value: 'eu-west-1' },
      ],
      [
        { Name: DIM.scope, Value: 'region' },
        { Name: DIM.region, Value: 'us-east-1' },
      ],
    ]);
    expect(enc.records[0]!.MeasureValues).toContainEqual({ Name: 'p95', Value: '41.5', Type: 'DOUBLE' });
    const bytes = requestBytes(enc);
    expect(billedWriteUnits(enc)).toBe(Math.ceil(bytes / 1024));
    // CommonAttributes are metered once: the request is smaller than the records' full sizes summed
    expect(bytes).toBeLessThan(enc.records.reduce((n, r) => n + recordBytes(r, enc.common), 0));
  });
});
