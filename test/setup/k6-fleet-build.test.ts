import { execFile } from 'node:child_process';
import { open, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { K6_PATH } from '../support/k6-path';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const layerK6 = (arch: string) => join(ROOT, '.tools', 'layers', `k6-${arch}`, 'bin', 'k6');

/** ELF e_machine of a binary: 0x3e x86-64, 0xb7 AArch64. */
async function elfMachine(path: string): Promise<number> {
  const f = await open(path, 'r');
  try {
    const { buffer } = await f.read(Buffer.alloc(20), 0, 20, 0);
    expect(buffer.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    return buffer.readUInt16LE(18);
  } finally {
    await f.close();
  }
}

// CI builds these from a clean machine (scripts/install-k6.sh in `npm test`; the layers on
// the first synth). Here: both architectures carry the fleet output, built from tools/k6.
describe.runIf(process.arch === 'x64')("k6-fleet's k6 build (pinned k6 + fleet output)", () => {
  it('the suite k6 (linux/amd64) is v2.2.0 with the fleet output compiled in', async () => {
    const { stdout } = await run(K6_PATH, ['version']);
    expect(stdout).toMatch(/^k6 v2\.2\.0 .*linux\/amd64/);
    expect(stdout).toMatch(/k6fleet\/tools\/k6\/fleetoutput.*fleet \[output\]/);
    expect(await elfMachine(K6_PATH)).toBe(0x3e);
  });

  it('the arm64 Lambda layer is the same source built for AArch64, and rebuilding is a no-op', async () => {
    await run('bash', [join(ROOT, 'scripts', 'build-k6-layer.sh'), 'arm64'], { timeout: 600_000 });
    const k6 = layerK6('arm64');
    expect(await elfMachine(k6)).toBe(0xb7);
    const stamp = (await readFile(`${k6}.stamp`, 'utf8')).trim();
    const hostStamp = (await readFile(`${K6_PATH}.stamp`, 'utf8').catch(() => '')).trim();
    // One source hash for both architectures: the layer is the suite's k6, cross-compiled.
    expect(stamp).toMatch(/^[0-9a-f]{64} linux\/arm64 go/);
    if (hostStamp) expect(stamp.split(' ')[0]).toBe(hostStamp.split(' ')[0]);
    const before = (await stat(k6)).mtimeMs;
    await run('bash', [join(ROOT, 'scripts', 'build-k6-layer.sh'), 'arm64']);
    expect((await stat(k6)).mtimeMs).toBe(before);
  }, 600_000);
});
