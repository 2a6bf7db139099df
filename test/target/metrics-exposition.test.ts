import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { parseProfile } from '../../target/profile';
import { startTargetServer, type TargetServer } from '../../target/server';
import { timedGet } from './http-client';

let server: TargetServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Every unlabelled sample of the exposition, by name (labelled ones keyed `name{labels}`). */
async function scrape(url: string): Promise<Map<string, number>> {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

describe('target database pool and /metrics', () => {
  it('queues requests past the pool size: in-use pins at the size, waiting grows, latency stacks up', async () => {
    // Prepare: 2 connections, 100 ms per query; 8 concurrent requests need 4 rounds.
    server = await startTargetServer({
      profile: {
        database: { poolSize: 2 },
        routes: { '/q': { latency: { kind: 'fixed', ms: 0 }, dbQuery: { kind: 'fixed', ms: 100 } } },
      },
    });
    const url = server.url;

    // Act
    const requests = Array.from({ length: 8 }, () => timedGet(`${url}/q`));
    await sleep(40);
    const during = await scrape(url);
    const responses = await Promise.all(requests);
    const after = await scrape(url);

    // Assess
    expect(during.get('app_db_pool_size')).toBe(2);
    expect(during.get('app_db_pool_in_use')).toBe(2);
    expect(during.get('app_db_pool_waiting')).toBe(6);
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const slowest = Math.max(...responses.map((r) => r.serverMs));
    // The last one waited three rounds (minus its own later arrival) and queried for one.
    expect(slowest).toBeGreaterThanOrEqual(350);
    expect(after.get('app_db_pool_in_use')).toBe(0);
    expect(after.get('app_db_pool_waiting')).toBe(0);
    expect(after.get('app_db_pool_acquired_total')).toBe(8);
    expect(after.get('app_db_pool_wait_seconds_total')).toBeGreaterThan(1);
    // /metrics itself is not counted as a request.
    expect(after.get('app_http_requests_total{route="/q"}')).toBe(8);
    expect(server.stats().requests).toBe(8);
  });

  it('refuses at once past maxWaiting with rejectStatus, counted as errors', async () => {
    // Prepare
    server = await startTargetServer({
      profile: {
        database: { poolSize: 1, maxWaiting: 1, rejectStatus: 503 },
        routes: { '/q': { dbQuery: { kind: 'fixed', ms: 150 } } },
      },
    });
    const url = server.url;

    // Act
    const first = timedGet(`${url}/q`);
    const second = timedGet(`${url}/q`);
    await sleep(30);
    const third = await timedGet(`${url}/q`);
    await Promise.all([first, second]);
    const samples = await scrape(url);

    // Assess
    expect(third.status).toBe(503);
    expect(JSON.parse(third.body)).toMatchObject({ error: 'database pool exhausted' });
    expect(samples.get('app_db_pool_rejected_total')).toBe(1);
    expect(samples.get('app_http_errors_total')).toBe(1);
  });

  it('exposes the process metrics Prometheus clients export', async () => {
    // Prepare
    server = await startTargetServer();

    // Act
    const samples = await scrape(server.url);

    // Assess
    expect(samples.get('process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(samples.get('process_resident_memory_bytes')).toBeGreaterThan(10 * 1024 * 1024);
    expect(samples.get('app_db_pool_size')).toBe(10);
    expect(samples.get('app_http_errors_total')).toBe(0);
  });

  it('reserves /metrics and validates the database block', () => {
    // Assess
    expect(() => parseProfile({ routes: { '/metrics': {} } })).toThrow(/reserved/);
    expect(() => parseProfile({ database: { poolSize: 0 } })).toThrow(/poolSize/);
    expect(parseProfile({ database: { poolSize: 3 } }).database).toEqual({
      poolSize: 3,
      maxWaiting: 10_000,
      rejectStatus: 503,
    });
  });
});
