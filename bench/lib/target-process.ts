import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ProfileInput } from '../../target/profile';
import type { TargetStats } from '../../target/stats';
import { REPO_ROOT } from './k6-binary';

export interface TargetProcess {
  readonly url: string;
  readonly pid: number;
  stats(): Promise<TargetStats>;
  resetStats(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The bundled target (bin/k6-fleet-target.ts) in its own Node process, so it never shares
 * an event loop with the runner or the bench driver.
 */
export async function startTargetProcess(profile: ProfileInput): Promise<TargetProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'k6-fleet-bench-target-'));
  const profileFile = join(dir, 'profile.json');
  await writeFile(profileFile, JSON.stringify(profile));
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'bin/k6-fleet-target.ts', '--port', '0', '--profile', profileFile],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error('target did not start within 30 s')), 30_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      const m = /^listening on (\S+)/.exec(line);
      if (m) resolve(m[1]!);
      else reject(new Error(`unexpected first line from the target: ${line}`));
    });
    child.once('exit', (code) => reject(new Error(`target exited with code ${code} before listening`)));
  });
  const admin = async (method: string, path: string) => {
    const res = await fetch(`${url}/__admin/${path}`, { method });
    if (!res.ok) throw new Error(`target ${method} ${path}: ${res.status}`);
    return (await res.json()) as TargetStats;
  };
  return {
    url,
    pid: child.pid!,
    stats: () => admin('GET', 'stats'),
    resetStats: async () => void (await admin('POST', 'reset-stats')),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
