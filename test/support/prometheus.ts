import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../functions/engine/runner/free-port';

const ROOT = resolve(import.meta.dirname, '../..');

function prometheusPath(): string {
  for (const p of ['/usr/bin/prometheus', '/usr/local/bin/prometheus']) if (existsSync(p)) return p;
  // Idempotent: Debian's prometheus package, without starting its service.
  execFileSync('bash', [join(ROOT, 'scripts/install-prometheus.sh')], { stdio: 'inherit' });
  return 'prometheus';
}

export interface PromQueryResult {
  status: 'success' | 'error';
  error?: string;
  data?: {
    resultType: 'vector' | 'matrix' | 'scalar' | 'string';
    result: {
      metric: Record<string, string>;
      value?: [number, string];
      values?: [number, string][];
      histogram?: [number, unknown];
      histograms?: [number, unknown][];
    }[];
  };
}

export interface PrometheusServer {
  /** http://127.0.0.1:<port> */
  url: string;
  /** The remote-write receiver: <url>/api/v1/write */
  writeUrl: string;
  /** An instant PromQL query (at `time` ms, default now). */
  query(q: string, time?: number): Promise<PromQueryResult>;
  /** A range PromQL query over [start, end] ms. */
  queryRange(q: string, start: number, end: number, stepSeconds: number): Promise<PromQueryResult>;
  /** Stops the process and keeps its storage, so start() brings the same data back. */
  pause(): Promise<void>;
  /** (Re)starts it on the same port and storage. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a private Prometheus (Debian's 2.42) on loopback: remote-write receiver and native
 * histograms on, a temp storage path, an out-of-order window so a replay of older samples
 * is taken, and no scraping.
 */
export async function startPrometheus(): Promise<PrometheusServer> {
  const bin = prometheusPath();
  const dir = await mkdtemp(join(tmpdir(), 'k6fleet-prom-'));
  const port = await freePort();
  const config = `global:
  scrape_interval: 1h
  evaluation_interval: 1h
storage:
  tsdb:
    out_of_order_time_window: 7d
`;
  await writeFile(join(dir, 'prometheus.yml'), config);
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let stderr = '';
  let exited: Promise<void> = Promise.resolve();

  const pause = async (): Promise<void> => {
    const c = child;
    if (c && c.exitCode === null && c.signalCode === null) {
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    child = undefined;
  };
  const start = async (): Promise<void> => {
    const c = spawn(
      bin,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--web.enable-remote-write-receiver',
        '--enable-feature=native-histograms',
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child = c;
    exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (c.exitCode !== null) throw new Error(`prometheus exited (${c.exitCode}): ${stderr}`);
      try {
        const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
        if (res.status === 200) return;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) {
        await pause();
        throw new Error(`prometheus not ready within 30 s: ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const stop = async (): Promise<void> => {
    await pause();
    await rm(dir, { recursive: true, force: true });
  };
  const api = async (path: string, params: Record<string, string>): Promise<PromQueryResult> => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });
    return (await res.json()) as PromQueryResult;
  };
  try {
    await start();
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    url,
    writeUrl: `${url}/api/v1/write`,
    query: (q, time) => api('/api/v1/query', { query: q, time: String((time ?? Date.now()) / 1000) }),
    queryRange: (q, start, end, step) =>
      api('/api/v1/query_range', {
        query: q,
        start: String(start / 1000),
        end: String(end / 1000),
        step: String(step),
      }),
    pause,
    start,
    stop,
  };
}

/** The single number of an instant-vector (or scalar) answer; NaN when there is none. */
export function scalarOf(r: PromQueryResult): number {
  if (r.status !== 'success') throw new Error(`PromQL error: ${r.error}`);
  const first = r.data?.result[0];
  const raw =
    first?.value?.[1] ??
    (r.data?.resultType === 'scalar' ? (r.data.result as unknown as [number, string])[1] : undefined);
  return raw === undefined ? Number.NaN : Number(raw);
}
