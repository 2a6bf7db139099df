import { describe, expect, it } from 'vitest';
import {
  ampRegion,
  createSink,
  NullSink,
  parseSinkFlag,
  SinkConfigSchema,
} from '../../functions/adapters/sinks';

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
    expect(parseSinkFlag('prometheus:http://127.0.0.1:9090/api/v1/write')).toEqual({
      kind: 'prometheus',
      url: 'http://127.0.0.1:9090/api/v1/write',
    });
    expect(() => parseSinkFlag('prometheus:not a url')).toThrow(/prometheus:<url> needs an http\(s\)/);
    expect(() => parseSinkFlag('prometheus:ftp://127.0.0.1/x')).toThrow(/prometheus:<url>/);
    expect(() => parseSinkFlag('prometheus:http://u:p@127.0.0.1:9090/api/v1/write')).toThrow(
      /prometheus:<url>/,
    );
  });

  it('signs Amazon Managed Service for Prometheus endpoints with SigV4 by default', () => {
    expect(
      ampRegion('https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write'),
    ).toEqual({
      region: 'eu-west-1',
    });
    expect(ampRegion('http://127.0.0.1:9090/api/v1/write')).toBeUndefined();
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
