import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { K6_PATH } from './k6-path';

const ROOT = resolve(import.meta.dirname, '../..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts the real CLI (bin/k6-fleet.mjs) as a child process. */
export function startCli(
  args: string[],
  opts: { cwd?: string } = {},
): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [resolve(ROOT, 'bin/k6-fleet.mjs'), ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, K6_FLEET_K6: K6_PATH, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const done = new Promise<CliResult>((res) => child.on('exit', (code) => res({ code, stdout, stderr })));
  return { child, done };
}

export const runCli = (args: string[], opts: { cwd?: string } = {}) => startCli(args, opts).done;
