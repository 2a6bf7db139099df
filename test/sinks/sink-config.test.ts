import { describe, expect, it } from 'vitest';
import { createSink, NullSink, parseSinkFlag, SinkConfigSchema } from '../../functions/adapters/sinks';

describe('sink config', () => {
  it('parses the --sink flag forms', () => {
    expect(parseSinkFlag('none')).toEqual({ kind: 'none' });
    expect(parseSinkFlag('timestream:k6fleet/metrics@eu-west-1')).toEqual({
      kind: 'timestream',
      database: 'k6fleet',
      table: 'metrics',
      region: 'eu-west-1',
    });
    expect(parseSinkFlag('influxdb:http://127.0.0.1:8086#k6')).toEqual({
      kind: 'influxdb',
      url: 'http://127.0.0.1:8086',
      database: 'k6',
    });
    expect(
      parseSinkFlag('{"kind":"influxdb","url":"https://db.example:8086","database":"k6","passwordEnv":"PW"}'),
    ).toMatchObject({
      passwordEnv: 'PW',
    });
    expect(() => parseSinkFlag('prometheus')).toThrow(/use none, timestream/);
  });

  it('rejects credentials inside the URL (they belong in passwordEnv)', () => {
    const r = SinkConfigSchema.safeParse({
      kind: 'influxdb',
      url: 'http://u:pw@127.0.0.1:8086',
      database: 'k6',
    });
    expect(r.success).toBe(false);
  });

  it('none makes a NullSink that counts nothing', async () => {
    const sink = createSink({ kind: 'none' });
    await sink.writeEvent('r', 't', { at: 1, kind: 'start', text: '' });
    await sink.flush();
    expect(sink).toBeInstanceOf(NullSink);
    expect(sink.stats()).toEqual({ written: 0, dropped: 0, retried: 0, spooled: 0 });
  });
});
