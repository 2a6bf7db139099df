import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSink, InfluxDbSink, type SinkLog } from '../../functions/adapters/sinks';
import { type InfluxDbServer, startInfluxDb } from '../support/influxdb';
import { intervalRecord, rollupPoint } from './fixtures';

let influx: InfluxDbServer;

beforeAll(async () => {
  influx = await startInfluxDb();
});
afterAll(async () => {
  await influx?.stop();
});

/** First value of the first series of the first statement. */
async function scalar(q: string, db: string): Promise<unknown> {
  const res = await influx.query(q, db);
  const r = res.results[0];
  if (r?.error) throw new Error(`${q}: ${r.error}`);
  return r?.series?.[0]?.values[0]?.[1] ?? null;
}

const fast = { baseDelayMs: 5, maxDelayMs: 20 };

describe('InfluxDbSink against a real influxd (v1 write API)', () => {
  it('writes interval records, rollups, events and thresholds that InfluxQL reads back (gzip)', async () => {
    // Prepare
    await influx.query('CREATE DATABASE k6');
    const sink = createSink({ kind: 'influxdb', url: influx.url, database: 'k6' }, { delivery: fast });
    const records = [0, 1, 2].flatMap((seq) => [
      intervalRecord({ runnerId: 'r0', region: 'eu-west-1', seq, requests: 100 }),
      intervalRecord({ runnerId: 'r1', region: 'us-east-1', seq, requests: 50 }),
    ]);
    // Act
    await sink.writeIntervals(records, 'checkout');
    for (let i = 1; i <= 3; i++) {
      await sink.writeRollup(
        'run-1',
        'checkout',
        rollupPoint(1_700_000_000_000 + i * 2000, i * 2000, ['eu-west-1', 'us-east-1']),
      );
    }
    await sink.writeEvent('run-1', 'checkout', {
      at: 1_700_000_001_000,
      kind: 'anomaly',
      text: 'p95 jumped',
      region: 'us-east-1',
    });
    await sink.writeThresholds('run-1', 'checkout', 1_700_000_006_000, [
      { metric: 'http_req_duration', expr: 'p(95)<500', ok: true, abortOnFail: false, value: 41.5 },
      { metric: 'http_req_failed', expr: 'rate<0.01', ok: false, abortOnFail: true, value: 0.012 },
    ]);
    await sink.flush();
    // Assess
    const lines = 6 * 9 + 9 + 1 + 2;
    expect(sink.stats()).toEqual({ written: lines, dropped: 0, retried: 0, spooled: 0 });
    expect(
      await scalar(
        `SELECT sum("count") FROM "k6_series" WHERE "metric" = 'http_reqs' AND "run_id" = 'run-1'`,
        'k6',
      ),
    ).toBe(450);
    expect(await scalar(`SELECT count("hist") FROM "k6_series" WHERE "metric_type" = 'trend'`, 'k6')).toBe(6);
    expect(
      await scalar(
        `SELECT sum("nonzero") / sum("total") FROM "k6_series" WHERE "metric" = 'checks' AND "tag_check" = 'status is 200'`,
        'k6',
      ),
    ).toBeCloseTo(444 / 450, 10);
    expect(await scalar(`SELECT count("p95") FROM "k6_rollup" WHERE "scope" = 'global'`, 'k6')).toBe(3);
    expect(await scalar(`SELECT count("p95") FROM "k6_rollup" WHERE "scope" = 'region'`, 'k6')).toBe(6);
    expect(await scalar(`SELECT last("p95") FROM "k6_rollup" WHERE "region" = '_global'`, 'k6')).toBe(41.5);
    expect(await scalar(`SELECT count("cpu") FROM "k6_process" WHERE "runner" = 'r1'`, 'k6')).toBe(3);
    expect(await scalar(`SELECT "text" FROM "k6_event" WHERE "kind" = 'anomaly'`, 'k6')).toBe('p95 jumped');
    expect(await scalar(`SELECT sum("ok") FROM "k6_threshold" WHERE "test_name" = 'checkout'`, 'k6')).toBe(1);
  });

  it('writes without gzip too', async () => {
    // Prepare
    await influx.query('CREATE DATABASE plain');
    const sink = new InfluxDbSink({ url: influx.url, database: 'plain', gzip: false, delivery: fast });
    // Act
    await sink.writeRollup('run-2', 't', rollupPoint(1_700_000_000_000, 2000, ['a']));
    await sink.flush();
    // Assess
    expect(await scalar(`SELECT count("rps") FROM "k6_rollup"`, 'plain')).toBe(2);
    expect(sink.stats().written).toBe(2);
  });

  it('a partial write (field type conflict) counts exactly the refused points as dropped', async () => {
    // Prepare: rps already stored as a string in this shard, so float rps points are refused
    await influx.query('CREATE DATABASE conflict');
    const seed = await fetch(`${influx.url}/write?db=conflict&precision=ms`, {
      method: 'POST',
      body: 'k6_rollup,run_id=old rps="fast" 1700000000000\n',
    });
    expect(seed.status).toBe(204);
    const logs: string[] = [];
    const log: SinkLog = (_l, message, details) => logs.push(`${message} ${JSON.stringify(details)}`);
    const sink = new InfluxDbSink({ url: influx.url, database: 'conflict', delivery: { ...fast, log } });
    // Act
    await sink.writeRollup('run-3', 't', rollupPoint(1_700_000_002_000, 2000, ['a', 'b']));
    await sink.writeEvent('run-3', 't', { at: 1_700_000_002_000, kind: 'end', text: 'done' });
    await sink.flush();
    // Assess: 3 rollup points refused, the event written
    expect(sink.stats()).toEqual({ written: 1, dropped: 3, retried: 0, spooled: 0 });
    expect(await scalar(`SELECT count("text") FROM "k6_event"`, 'conflict')).toBe(1);
    expect(logs.join('\n')).toMatch(/field type conflict/);
  });
});

interface Seen {
  headers: IncomingHttpHeaders;
  url: string;
  body: string;
}

async function fakeInflux(statuses: { status: number; headers?: Record<string, string>; body?: string }[]) {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString() : raw.toString();
      seen.push({ headers: req.headers, url: req.url ?? '', body });
      const next = statuses.shift() ?? { status: 204 };
      res.writeHead(next.status, next.headers ?? {});
      res.end(next.body ?? '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('InfluxDbSink retries and secrets (loopback server)', () => {
  it('retries 503 and 429 (honouring Retry-After) and sends the same gzipped batch again', async () => {
    // Prepare
    const srv = await fakeInflux([
      { status: 503, body: '{"error":"overloaded"}' },
      { status: 429, headers: { 'Retry-After': '0' }, body: '{"error":"slow down"}' },
    ]);
    const delays: number[] = [];
    const sink = new InfluxDbSink({
      url: srv.url,
      database: 'k6',
      retentionPolicy: 'autogen',
      delivery: {
        baseDelayMs: 10,
        maxDelayMs: 100,
        random: () => 0.5,
        sleep: async (ms) => void delays.push(ms),
      },
    });
    // Act
    await sink.writeRollup('run-1', 't', rollupPoint(1_700_000_000_000, 2000, ['a']));
    await sink.flush();
    await srv.close();
    // Assess
    expect(srv.seen).toHaveLength(3);
    expect(srv.seen[0]!.url).toBe('/write?db=k6&rp=autogen&precision=ms');
    expect(srv.seen.every((s) => s.headers['content-encoding'] === 'gzip')).toBe(true);
    expect(srv.seen[2]!.body).toBe(srv.seen[0]!.body);
    expect(srv.seen[0]!.body.split('\n').filter(Boolean)).toHaveLength(2);
    expect(delays).toEqual([5, 10]);
    expect(sink.stats()).toEqual({ written: 2, dropped: 0, retried: 4, spooled: 0 });
  });

  it('sends credentials only in the Authorization header and never logs them', async () => {
    // Prepare
    const secret = 's3cr3t-P4ss';
    const srv = await fakeInflux([{ status: 401, body: '{"error":"authorization failed"}' }]);
    const logs: string[] = [];
    const sink = createSink(
      {
        kind: 'influxdb',
        url: srv.url,
        database: 'k6',
        username: 'writer',
        passwordEnv: 'K6FLEET_TEST_INFLUX_PW',
      },
      {
        env: { K6FLEET_TEST_INFLUX_PW: secret },
        delivery: { ...fast, log: (l, m, d) => logs.push(`${l} ${m} ${JSON.stringify(d)}`) },
      },
    );
    // Act
    await sink.writeEvent('run-1', 't', { at: 1, kind: 'start', text: 'go' });
    await sink.flush();
    await srv.close();
    // Assess: one attempt (401 is not retryable), counted, logged without the secret
    expect(srv.seen).toHaveLength(1);
    expect(srv.seen[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from(`writer:${secret}`).toString('base64')}`,
    );
    expect(srv.seen[0]!.url).not.toContain(secret);
    expect(sink.stats()).toEqual({ written: 0, dropped: 1, retried: 0, spooled: 0 });
    expect(logs.join('\n')).toMatch(/HTTP 401/);
    expect(logs.join('\n')).not.toContain(secret);
    expect(logs.join('\n')).not.toContain(Buffer.from(`writer:${secret}`).toString('base64'));
  });

  it('refuses a missing password env var without echoing anything secret', () => {
    expect(() =>
      createSink(
        { kind: 'influxdb', url: 'http://127.0.0.1:1', database: 'k6', passwordEnv: 'NOPE_NOT_SET' },
        { env: {} },
      ),
    ).toThrow(/NOPE_NOT_SET/);
  });
});
