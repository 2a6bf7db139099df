import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import {
  type BatchResult,
  type BatchTransport,
  DeliveryError,
  type DeliveryOptions,
  DeliveryQueue,
  describe,
} from './delivery-queue';
import { groupLines } from './line-protocol';
import { PointGroupSink } from './point-group-sink';
import type { PointGroup } from './sink-points';

const gzip = promisify(gzipCb);

export interface InfluxDbSinkOptions {
  /** Base URL of an InfluxDB with the v1 write API, e.g. http://127.0.0.1:8086. */
  url: string;
  database: string;
  retentionPolicy?: string;
  username?: string;
  /** The password / token itself (createSink reads it from the env var the config names). */
  password?: string;
  /** Content-Encoding: gzip on write bodies. @default true */
  gzip?: boolean;
  /** Lines per request. @default 5000 */
  maxBatchLines?: number;
  /** Uncompressed bytes per request. @default 1 MiB */
  maxBatchBytes?: number;
  /** Per-request timeout. @default 10_000 */
  timeoutMs?: number;
  delivery?: Partial<Omit<DeliveryOptions, 'name' | 'maxBatchItems' | 'maxBatchBytes'>>;
}

/** The URL without credentials, for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    for (const k of ['p', 'u', 'password', 'token'])
      if (u.searchParams.has(k)) u.searchParams.set(k, 'REDACTED');
    return u.toString();
  } catch {
    return '(invalid url)';
  }
}

export function writeUrl(opts: Pick<InfluxDbSinkOptions, 'url' | 'database' | 'retentionPolicy'>): string {
  const u = new URL(`${opts.url.replace(/\/+$/, '')}/write`);
  u.searchParams.set('db', opts.database);
  if (opts.retentionPolicy) u.searchParams.set('rp', opts.retentionPolicy);
  u.searchParams.set('precision', 'ms');
  return u.toString();
}

export function authHeader(username?: string, password?: string): string | undefined {
  if (password === undefined || password === '') return undefined;
  // v1 user/password → Basic; a bare token (InfluxDB 2 / Timestream for InfluxDB v1-compat) → Token.
  if (username) return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  return `Token ${password}`;
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const secs = Number(header);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Maps one /write response to the delivery outcome (204 = all written). */
export async function classifyWriteResponse(res: Response, lines: number): Promise<BatchResult> {
  if (res.status === 204 || res.status === 200) return { retry: [], dropped: 0 };
  const body = (await res.text().catch(() => '')).slice(0, 300);
  if (res.status === 429 || res.status >= 500) {
    throw new DeliveryError(`HTTP ${res.status} ${body}`, true, retryAfterMs(res.headers.get('retry-after')));
  }
  if (res.status === 400) {
    // "partial write: … dropped=N": the other points were written; bad ones never will be.
    const m = /dropped=(\d+)/.exec(body);
    const dropped = m ? Math.min(lines, Number(m[1])) : lines;
    return { retry: [], dropped, reasons: [body] };
  }
  throw new DeliveryError(`HTTP ${res.status} ${body}`, false);
}

/** Metrics to InfluxDB (1.x, or 2.x / Amazon Timestream for InfluxDB through the v1-compatible API). */
export class InfluxDbSink extends PointGroupSink<string> {
  readonly name = 'influxdb';
  protected readonly queue: DeliveryQueue<string>;

  constructor(opts: InfluxDbSinkOptions) {
    super();
    const url = writeUrl(opts);
    const auth = authHeader(opts.username, opts.password);
    const useGzip = opts.gzip ?? true;
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const transport: BatchTransport<string> = {
      send: async (_group, lines) => {
        const text = `${lines.join('\n')}\n`;
        const headers: Record<string, string> = { 'Content-Type': 'text/plain; charset=utf-8' };
        if (auth) headers.Authorization = auth;
        let body: Uint8Array | string = text;
        if (useGzip) {
          body = new Uint8Array(await gzip(text));
          headers['Content-Encoding'] = 'gzip';
        }
        let res: Response;
        try {
          res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
        } catch (err) {
          throw new DeliveryError(`POST ${redactUrl(url)}: ${describe(err)}`, true);
        }
        return classifyWriteResponse(res, lines.length);
      },
    };
    this.queue = new DeliveryQueue(
      transport,
      {
        ...opts.delivery,
        name: this.name,
        maxBatchItems: opts.maxBatchLines ?? 5000,
        maxBatchBytes: opts.maxBatchBytes ?? 1 << 20,
      },
      (line) => line.length + 1,
    );
  }

  protected enqueue(group: PointGroup): void {
    this.queue.enqueue('', groupLines(group));
  }
}
