import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';
import { useTarget } from '../support/target';

const target = useTarget();
let dir: string;
let scriptPath: string;
let deadUrl: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'k6-fleet-server-flags-'));
  scriptPath = join(dir, 'small.js');
  await writeFile(
    scriptPath,
    `import http from 'k6/http';
export const options = { vus: 2, duration: '3s' };
export default function () { http.get(__ENV.TARGET + '/api/x'); }
`,
  );
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  deadUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/metrics`;
  await new Promise((r) => server.close(r));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = (...flags: string[]) =>
  runCli([
    'run',
    scriptPath,
    '-e',
    `TARGET=${target().url}`,
    '--out-dir',
    join(dir, 'store'),
    '-q',
    ...flags,
  ]);

describe('--server-metrics', () => {
  it.each([
    ['an endpoint nothing listens on', () => deadUrl, /ECONNREFUSED/],
    [
      'a page that is not a Prometheus exposition',
      () => `${target().url}/`,
      /not a Prometheus text exposition: line 1/,
    ],
    ['an endpoint answering 404', () => `${target().url}/missing`, /HTTP 404 Not Found/],
  ])('refuses %s with exit 104 naming the URL, before any load', async (_name, url, why) => {
    // Prepare
    target().resetStats();

    // Act
    const res = await run('--server-metrics', url());

    // Assess
    expect(res.code).toBe(104);
    expect(res.stderr).toContain(`serverMetrics[0] ${url()}:`);
    expect(res.stderr).toMatch(why);
    // The probe itself may reach the target; the script's load never did.
    expect(target().stats().byRoute['/api/*']).toBeUndefined();
  });

  it('with --server-metrics-optional runs anyway: the dead source is warned about and counted', async () => {
    // Prepare
    target().resetStats();

    // Act
    const res = await run(
      '--server-metrics',
      `${target().url}/metrics`,
      '--server-metrics',
      deadUrl,
      '--server-metrics-optional',
    );

    // Assess
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(
      new RegExp(`warning: serverMetrics\\[1\\] ${deadUrl.replace(/[.]/g, '\\.')}: .*ECONNREFUSED`),
    );
    expect(res.stdout).toContain('SERVER');
    expect(res.stdout).toMatch(new RegExp(`${target().url.replace(/[.]/g, '\\.')}/metrics: \\d+ reads\\n`));
    expect(res.stdout).toMatch(/127\.0\.0\.1:\d+\/metrics: (\d+) reads, \1 failed \(last: .*ECONNREFUSED/);
    expect(target().stats().requests).toBeGreaterThan(10);
  });
});
