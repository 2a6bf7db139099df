import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

const MOTO = resolve(import.meta.dirname, '../../.tools/bin/moto_server');

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

export interface MotoServer {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  stop(): Promise<void>;
}

/** Starts moto's server mode on a free loopback port (for the Timestream sink's tests). */
export async function startMoto(): Promise<MotoServer> {
  if (!existsSync(MOTO))
    throw new Error(`moto_server not found at ${MOTO}: run "bash scripts/install-moto.sh"`);
  const port = await freePort();
  const child: ChildProcess = spawn(MOTO, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited (${child.exitCode}): ${stderr}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto_server did not answer within 30 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { endpoint, stop };
}

export interface MotoTimestreamRecord {
  MeasureName?: string;
  MeasureValueType?: string;
  MeasureValues?: { Name: string; Value: string; Type: string }[];
  Dimensions?: { Name: string; Value: string }[];
  Time?: string;
}

/** The records moto stored per "db/table" (moto keeps the Records list as sent, without CommonAttributes). */
export async function motoTimestreamRecords(
  endpoint: string,
): Promise<Record<string, MotoTimestreamRecord[]>> {
  const res = await fetch(`${endpoint}/moto-api/data.json`);
  const data = (await res.json()) as {
    timestreamwrite?: {
      TimestreamTable?: { db_name: string; name: string; records: MotoTimestreamRecord[] }[];
    };
  };
  const out: Record<string, MotoTimestreamRecord[]> = {};
  for (const t of data.timestreamwrite?.TimestreamTable ?? []) out[`${t.db_name}/${t.name}`] = t.records;
  return out;
}
