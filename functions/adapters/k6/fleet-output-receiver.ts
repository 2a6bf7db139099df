import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { FleetOutputBatchSchema } from '../../contracts/fleet-output-batch';
import type { Series } from '../../contracts/metrics';
import { SeriesAccumulator } from '../../core/metrics/series-accumulator';

export interface FleetOutputReceiverOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Larger bodies get 413. @default 16 MiB */
  readonly maxBodyBytes?: number;
}

export interface FleetOutputReceiverStats {
  batches: number;
  /** Batches sent again after a lost answer, ignored. */
  duplicates: number;
  bytes: number;
  decodeMs: number;
  errors: number;
}

/**
 * The runner's end of k6-fleet's k6 output (`--out fleet=URL`): k6 POSTs one JSON batch
 * of already-aggregated series per interval and waits for the answer to its last one
 * before it exits, so once k6 has exited drain() holds everything. Batches are applied
 * in order and once (by their number).
 */
export class FleetOutputReceiver {
  readonly stats: FleetOutputReceiverStats = { batches: 0, duplicates: 0, bytes: 0, decodeMs: 0, errors: 0 };
  private readonly pending = new SeriesAccumulator();
  private lastBatch = 0;

  private constructor(
    private readonly server: Server,
    /** The value for `--out fleet=…`. */
    readonly url: string,
  ) {}

  static async start(opts: FleetOutputReceiverOptions = {}): Promise<FleetOutputReceiver> {
    const host = opts.host ?? '127.0.0.1';
    const maxBody = opts.maxBodyBytes ?? 16 * 1024 * 1024;
    let receiver: FleetOutputReceiver | undefined;
    const server = createServer((req, res) => {
      if (receiver) receiver.handle(req, res, maxBody);
      else res.writeHead(503).end();
    });
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    const hostPart = host.includes(':') ? `[${host}]` : host;
    receiver = new FleetOutputReceiver(server, `http://${hostPart}:${port}/v1/series`);
    return receiver;
  }

  /** Everything received since the last drain, one series per metric × tags. */
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
      req.resume();
      this.reject(res, 405, 'POST only');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= maxBody) chunks.push(c);
    });
    req.on('error', () => {
      this.stats.errors++;
    });
    req.on('end', () => {
      this.stats.bytes += size;
      if (size > maxBody) return this.reject(res, 413, 'batch too large');
      const t0 = performance.now();
      let parsed: ReturnType<typeof FleetOutputBatchSchema.safeParse>;
      try {
        parsed = FleetOutputBatchSchema.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (e) {
        return this.reject(res, 400, `bad batch: ${(e as Error).message}`);
      }
      if (!parsed.success) return this.reject(res, 400, `bad batch: ${parsed.error.message}`);
      const batch = parsed.data;
      if (batch.batch <= this.lastBatch) this.stats.duplicates++;
      else {
        for (const s of batch.series) this.pending.add(s);
        this.lastBatch = batch.batch;
        this.stats.batches++;
      }
      this.stats.decodeMs += performance.now() - t0;
      res.writeHead(200, { 'content-length': '0' }).end();
    });
  }

  private reject(res: ServerResponse, status: number, message: string): void {
    this.stats.errors++;
    res.writeHead(status, { 'content-type': 'text/plain' }).end(message);
  }
}
