import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';
import type { Series } from '../../contracts/metrics';
import { SeriesAccumulator } from '../../core/metrics/series-accumulator';
import { CumulativeToDelta } from './cumulative-to-delta';
import { decodeMetricsRequest, EMPTY_EXPORT_RESPONSE, toSeries } from './otlp-decode';

export interface OtlpReceiverOptions {
  /** Attribute keys kept as series tags (KEPT_TAGS plus threshold tag keys). */
  readonly keepTags: Iterable<string>;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** Stripped from metric names (k6's K6_OTEL_METRIC_PREFIX). @default '' */
  readonly metricPrefix?: string;
  /** Larger request bodies get 413. @default 64 MiB */
  readonly maxBodyBytes?: number;
}

export interface OtlpReceiverStats {
  /** Payloads decoded and applied. */
  payloads: number;
  /** Request body bytes as received (before any gunzip). */
  bytes: number;
  /** Time spent decoding and mapping payloads. */
  decodeMs: number;
  /** Rejected requests (bad protobuf, bad gzip, too large, wrong method). */
  errors: number;
  /** Epoch ms of the last applied payload. */
  lastPayloadAtMs: number | null;
}

/**
 * An OTLP/HTTP (protobuf) metrics endpoint on loopback for k6's OpenTelemetry output.
 * Every payload is applied before its 200 goes out, and k6 waits for the answer to its
 * final export before exiting — so once k6 has exited, drain() holds everything.
 */
export class OtlpReceiver {
  readonly stats: OtlpReceiverStats = {
    payloads: 0,
    bytes: 0,
    decodeMs: 0,
    errors: 0,
    lastPayloadAtMs: null,
  };
  private readonly pending = new SeriesAccumulator();
  private readonly cumulative = new CumulativeToDelta();

  private constructor(
    private readonly server: Server,
    /** `127.0.0.1:PORT`, the value for K6_OTEL_HTTP_EXPORTER_ENDPOINT. */
    readonly endpoint: string,
    private readonly keepTags: ReadonlySet<string>,
    private readonly metricPrefix: string,
  ) {}

  static async start(opts: OtlpReceiverOptions): Promise<OtlpReceiver> {
    const host = opts.host ?? '127.0.0.1';
    const maxBody = opts.maxBodyBytes ?? 64 * 1024 * 1024;
    let receiver: OtlpReceiver | undefined;
    const server = createServer((req, res) => {
      if (receiver) receiver.handle(req, res, maxBody);
      else res.writeHead(503).end();
    });
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    const hostPart = host.includes(':') ? `[${host}]` : host;
    receiver = new OtlpReceiver(
      server,
      `${hostPart}:${port}`,
      new Set(opts.keepTags),
      opts.metricPrefix ?? '',
    );
    return receiver;
  }

  /** Everything received since the last drain: deltas, one series per metric × tags. */
  drain(): Series[] {
    return this.pending.drain();
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse, maxBody: number): void {
    if (req.method !== 'POST') {
      this.reject(res, 405, 'POST only');
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBody) tooLarge = true;
      else chunks.push(c);
    });
    req.on('error', () => {
      this.stats.errors++;
    });
    req.on('end', () => {
      this.stats.bytes += size;
      if (tooLarge) return this.reject(res, 413, 'payload too large');
      try {
        const t0 = performance.now();
        let body: Uint8Array = Buffer.concat(chunks);
        const encoding = (req.headers['content-encoding'] ?? '').toLowerCase();
        if (encoding === 'gzip') body = gunzipSync(body);
        else if (encoding && encoding !== 'identity')
          return this.reject(res, 415, `unsupported encoding ${encoding}`);
        const points = decodeMetricsRequest(body);
        const deltas = [];
        for (const p of points) {
          const d = this.cumulative.toDelta(p);
          if (d) deltas.push(d);
        }
        for (const s of toSeries(deltas, { keepTags: this.keepTags, metricPrefix: this.metricPrefix }))
          this.pending.add(s);
        this.stats.decodeMs += performance.now() - t0;
        this.stats.payloads++;
        this.stats.lastPayloadAtMs = Date.now();
      } catch (err) {
        return this.reject(res, 400, `bad OTLP payload: ${(err as Error).message}`);
      }
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(EMPTY_EXPORT_RESPONSE);
    });
  }

  private reject(res: ServerResponse, status: number, message: string): void {
    this.stats.errors++;
    res.writeHead(status, { 'content-type': 'text/plain' }).end(message);
  }
}
