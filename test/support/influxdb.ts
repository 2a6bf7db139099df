import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../functions/engine/runner/free-port';

const ROOT = resolve(import.meta.dirname, '../..');

function influxdPath(): string {
  for (const p of ['/usr/bin/influxd', '/usr/local/bin/influxd']) if (existsSync(p)) return p;
  // Idempotent: Debian's influxdb package, without starting its service.
  execFileSync('bash', [join(ROOT, 'scripts/install-influxdb.sh')], { stdio: 'inherit' });
  return 'influxd';
}

export interface InfluxDbServer {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Runs an InfluxQL statement through /query and returns the parsed JSON. */
  query(q: string, db?: string): Promise<InfluxQueryResult>;
  stop(): Promise<void>;
}

export interface InfluxQueryResult {
  results: {
    statement_id: number;
    error?: string;
    series?: { name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }[];
  }[];
  error?: string;
}

/** Starts a private influxd (InfluxDB 1.x): temp data/meta/wal dirs, loopback only, no reporting. */
export async function startInfluxDb(): Promise<InfluxDbServer> {
  const bin = influxdPath();
  const dir = await mkdtemp(join(tmpdir(), 'k6fleet-influx-'));
  const [httpPort, rpcPort] = [await freePort(), await freePort()];
  const config = `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"
[meta]
  dir = "${dir}/meta"
  logging-enabled = false
[data]
  dir = "${dir}/data"
  wal-dir = "${dir}/wal"
  query-log-enabled = false
  wal-fsync-delay = "0s"
[monitor]
  store-enabled = false
[subscriber]
  enabled = false
[continuous_queries]
  enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  log-enabled = false
  pprof-enabled = false
[logging]
  level = "warn"
`;
  await writeFile(join(dir, 'influxdb.conf'), config);
  const child: ChildProcess = spawn(bin, ['-config', join(dir, 'influxdb.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${httpPort}`;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`influxd exited (${child.exitCode}): ${stderr}`);
    }
    try {
      const res = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 204) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`influxd did not answer /ping within 30 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const query = async (q: string, db?: string): Promise<InfluxQueryResult> => {
    const params = new URLSearchParams({ q, epoch: 'ms' });
    if (db) params.set('db', db);
    const res = await fetch(`${url}/query`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: params.toString(),
    });
    return (await res.json()) as InfluxQueryResult;
  };
  return { url, query, stop };
}
