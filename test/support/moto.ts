import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { freePort } from '../../functions/engine/runner/free-port';

/** The moto server installed by scripts/install-moto.sh (a local AWS API emulator). */
export const MOTO_SERVER_PATH =
  process.env.K6_FLEET_MOTO ?? resolve(import.meta.dirname, '../../.tools/bin/moto_server');

/** Credentials moto accepts (any value works; these keep SDKs from looking elsewhere). */
export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' } as const;

export interface Moto {
  /** e.g. http://127.0.0.1:50123 — pass as `endpoint` to any AWS SDK v3 client. */
  readonly endpoint: string;
  readonly port: number;
  /** Wipes every emulated resource (moto's reset API), keeping the server up. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => child.once('exit', () => r()));
}

/**
 * Starts a moto server on a free loopback port and waits until it answers. Generic: any
 * service moto emulates (S3, Timestream write, Lambda, …) is reachable at `endpoint`.
 * Always `stop()` it (afterAll); it is also killed when the test process exits.
 */
export async function startMoto(opts: { timeoutMs?: number } = {}): Promise<Moto> {
  if (!existsSync(MOTO_SERVER_PATH)) {
    throw new Error(`moto server not found at ${MOTO_SERVER_PATH}: run "bash scripts/install-moto.sh"`);
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(MOTO_SERVER_PATH, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited(child);
    clearTimeout(timer);
  };

  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`moto server exited with ${child.exitCode}: ${stderr}`);
    }
    try {
      const res = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `moto server did not answer on ${endpoint} within ${opts.timeoutMs ?? 30_000} ms: ${stderr}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  return {
    endpoint,
    port,
    reset: async () => {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status}`);
    },
    stop,
  };
}
