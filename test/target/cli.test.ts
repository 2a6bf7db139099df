import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { timedGet } from './http-client';

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const CLI = join(ROOT, 'bin/k6-fleet-target.ts');

let dir: string;
const children: ChildProcessWithoutNullStreams[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'k6fleet-target-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function startCli(args: string[]): ChildProcessWithoutNullStreams {
  const child = spawn(TSX, [CLI, ...args], { cwd: ROOT });
  children.push(child);
  return child;
}

/** Resolves with the first stdout line, or rejects with stderr if the process exits first. */
function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolveLine, reject) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const nl = out.indexOf('\n');
      if (nl !== -1) resolveLine(out.slice(0, nl));
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('close', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
}

async function exitOf(
  child: ChildProcessWithoutNullStreams,
): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stderr };
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const { port } = probe.address() as { port: number };
  await new Promise((done) => probe.close(done));
  return port;
}

describe('k6-fleet-target CLI', () => {
  it('prints its URL first, serves the example profile, and exits 0 on SIGTERM', async () => {
    // Prepare
    const child = startCli(['--profile', join(ROOT, 'examples/target-profile.json')]);
    const line = await firstLine(child);
    const url = line.replace('listening on ', '');

    // Act
    const item = await timedGet(`${url}/api/items/9`);
    const checkoutGet = await timedGet(`${url}/checkout`);
    const stats = (await (await fetch(`${url}/__admin/stats`)).json()) as { requests: number };
    const exit = exitOf(child);
    child.kill('SIGTERM');
    const { code, stderr } = await exit;

    // Assess
    expect(line).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
    expect(item.status).toBe(200);
    expect(item.serverMs).toBeGreaterThanOrEqual(3);
    expect(JSON.parse(item.body).id).toBe('9');
    expect(checkoutGet.status).toBe(405);
    expect(stats.requests).toBe(2);
    expect(code).toBe(0);
    expect(stderr).toContain('SIGTERM, stopping (2 requests, 1 errors)');
  });

  it('listens on the given port and stops on SIGINT', async () => {
    // Prepare
    const port = await freePort();
    const child = startCli(['--port', String(port), '--host', '127.0.0.1']);

    // Act
    const line = await firstLine(child);
    const health = await timedGet(`http://127.0.0.1:${port}/health`);
    const exit = exitOf(child);
    child.kill('SIGINT');

    // Assess
    expect(line).toBe(`listening on http://127.0.0.1:${port}`);
    expect(health.status).toBe(200);
    expect((await exit).code).toBe(0);
  });

  it('refuses a non-loopback host', async () => {
    // Act
    const { code, stderr } = await exitOf(startCli(['--host', '0.0.0.0']));

    // Assess
    expect(code).not.toBe(0);
    expect(stderr).toContain('Allowed choices are 127.0.0.1, ::1, localhost');
  });

  it('rejects an invalid profile file, naming the file and the field', async () => {
    // Prepare
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ routes: { '/': { latency: { kind: 'fixed', ms: -3 } } } }));

    // Act
    const { code, stderr } = await exitOf(startCli(['--profile', file]));

    // Assess
    expect(code).toBe(1);
    expect(stderr).toContain(`invalid profile ${file}`);
    expect(stderr).toContain('latency.ms');
  });
});
