import { execFile } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const SCRIPT = resolve(import.meta.dirname, '../../scripts/install-k6-release.sh');

let dir: string;
let server: Server;
let base: string;
beforeAll(async () => {
  // A loopback "release host" serving a tarball that is NOT the official one.
  dir = await mkdtemp(join(tmpdir(), 'k6-release-'));
  const stage = join(dir, 'stage', 'k6-v2.2.0-linux-amd64');
  await mkdir(stage, { recursive: true });
  await writeFile(join(stage, 'k6'), '#!/bin/sh\necho tampered\n');
  await run('tar', [
    '-czf',
    join(dir, 'k6-v2.2.0-linux-amd64.tar.gz'),
    '-C',
    join(dir, 'stage'),
    'k6-v2.2.0-linux-amd64',
  ]);
  server = createServer((req, res) => {
    const file = join(dir, (req.url ?? '').split('/').pop() ?? '');
    if (!existsSync(file)) res.writeHead(404).end();
    else createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
afterAll(async () => {
  server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the k6 release fallback (machines without Go)', () => {
  it.runIf(process.arch === 'x64')(
    'refuses a tarball whose SHA-256 is not the pinned one, installing nothing',
    async () => {
      const bin = join(dir, 'bin');
      const err = await run('bash', [SCRIPT, 'v2.2.0', bin], {
        env: { ...process.env, K6_RELEASE_BASE_URL: base },
      }).catch((e: { code: number; stderr: string }) => e);
      expect((err as { code: number }).code).toBe(1);
      expect((err as { stderr: string }).stderr).toMatch(
        /checksum mismatch for k6-v2\.2\.0-linux-amd64\.tar\.gz.*not installed/,
      );
      expect(await readdir(bin).catch(() => [])).toEqual([]);
    },
  );

  it('refuses a version it has no pinned checksum for', async () => {
    const err = await run('bash', [SCRIPT, 'v9.9.9', join(dir, 'bin2')], {
      env: { ...process.env, K6_RELEASE_BASE_URL: base },
    }).catch((e: { code: number; stderr: string }) => e);
    expect((err as { stderr: string }).stderr).toMatch(/no pinned checksum for k6 v9\.9\.9/);
  });
});
