/**
 * The delivery guarantees both sinks share: a bounded in-memory spool, batches per group,
 * retries with exponential backoff and full jitter, resending only what the backend
 * did not take, and counts of everything written, dropped and retried — nothing is lost
 * without being counted.
 */

/** What a backend did with one batch. Items not listed in `retry` and not counted in
 * `dropped` were written. */
export interface BatchResult {
  /** Indexes (within the batch) to send again. */
  retry: number[];
  /** How many items the backend refused for good (invalid data). */
  dropped: number;
  /** Why, for the log (never secrets). */
  reasons?: string[];
}

/** A whole-batch failure. `retryable` false means the batch can never succeed (config or data). */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export interface BatchTransport<T> {
  /** Sends one batch of items that share `group`. Throws DeliveryError (or anything: treated as retryable). */
  send(group: string, batch: T[]): Promise<BatchResult>;
}

export interface DeliveryStats {
  /** Items the backend accepted. */
  written: number;
  /** Items lost for good: refused as invalid, spool overflow, or out of retries. */
  dropped: number;
  /** Items sent again after a failure. */
  retried: number;
  /** Items waiting in the spool or in flight now. */
  spooled: number;
}

export type SinkLog = (level: 'warn' | 'error', message: string, details?: Record<string, unknown>) => void;

export const stderrLog: SinkLog = (level, message, details) => {
  process.stderr.write(`${JSON.stringify({ level, message, ...details })}\n`);
};

export interface DeliveryOptions {
  /** Sink name, for logs. */
  name: string;
  maxBatchItems: number;
  /** Optional byte cap per batch (with `sizeOf`). */
  maxBatchBytes?: number;
  /** Spool capacity in items; beyond it the oldest items are dropped (and counted). @default 100_000 */
  maxSpoolItems?: number;
  /** Sends per item before it is dropped. @default 6 */
  maxAttempts?: number;
  /** @default 100 */
  baseDelayMs?: number;
  /** @default 5_000 */
  maxDelayMs?: number;
  /** Batches sent concurrently. @default 4 */
  maxInFlight?: number;
  log?: SinkLog;
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

interface Item<T> {
  group: string;
  payload: T;
  bytes: number;
  attempts: number;
}

/** Full-jitter exponential backoff: uniform in [0, min(cap, base·2^(attempt−1))], at least `floorMs`. */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  capMs: number,
  random: () => number,
  floorMs = 0,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(floorMs, Math.round(random() * ceiling));
}

export class DeliveryQueue<T> {
  /** Spooled items per group, groups in arrival order. */
  private readonly groups = new Map<string, Item<T>[]>();
  private queued = 0;
  private inFlight = 0;
  private draining: Promise<void> | null = null;
  private readonly counts = { written: 0, dropped: 0, retried: 0 };
  private readonly opts: Required<Omit<DeliveryOptions, 'maxBatchBytes'>> & { maxBatchBytes?: number };

  constructor(
    private readonly transport: BatchTransport<T>,
    options: DeliveryOptions,
    private readonly sizeOf: (item: T) => number = () => 0,
  ) {
    this.opts = {
      maxSpoolItems: 100_000,
      maxAttempts: 6,
      baseDelayMs: 100,
      maxDelayMs: 5_000,
      maxInFlight: 4,
      log: stderrLog,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      random: Math.random,
      ...options,
    };
  }

  stats(): DeliveryStats {
    return { ...this.counts, spooled: this.queued + this.inFlight };
  }

  /** Adds items to the spool and starts delivering them in the background. */
  enqueue(group: string, payloads: T[]): void {
    if (payloads.length === 0) return;
    let list = this.groups.get(group);
    if (!list) {
      list = [];
      this.groups.set(group, list);
    }
    for (const payload of payloads) list.push({ group, payload, bytes: this.sizeOf(payload), attempts: 0 });
    this.queued += payloads.length;
    let over = this.queued - this.opts.maxSpoolItems;
    if (over > 0) {
      // Keep the newest data: a live dashboard needs the present more than the past.
      const dropped = over;
      for (const [key, items] of this.groups) {
        if (over <= 0) break;
        const n = Math.min(over, items.length);
        items.splice(0, n);
        over -= n;
        if (items.length === 0) this.groups.delete(key);
      }
      this.queued -= dropped;
      this.counts.dropped += dropped;
      this.opts.log('warn', 'metrics sink spool full; oldest items dropped', {
        sink: this.opts.name,
        dropped,
      });
    }
    this.kick();
  }

  /** Counts items refused before they reached the spool (e.g. a record too large to encode). */
  countDropped(n: number, reason: string): void {
    if (n <= 0) return;
    this.counts.dropped += n;
    this.opts.log('warn', 'metrics sink dropped items it could not encode', {
      sink: this.opts.name,
      dropped: n,
      reason,
    });
  }

  /** Resolves when every spooled item was written, or dropped and counted. Never rejects. */
  async flush(): Promise<void> {
    while (this.queued > 0 || this.draining) {
      this.kick();
      await this.draining;
    }
  }

  private kick(): void {
    if (this.draining || this.queued === 0) return;
    this.draining = this.drain().finally(() => {
      this.draining = null;
      if (this.queued > 0) this.kick();
    });
  }

  private takeBatch(): Item<T>[] {
    const first = this.groups.entries().next();
    if (first.done) return [];
    const [group, items] = first.value;
    let n = 0;
    let bytes = 0;
    const max = this.opts.maxBatchBytes;
    while (n < items.length && n < this.opts.maxBatchItems) {
      const b = items[n]!.bytes;
      if (max !== undefined && n > 0 && bytes + b > max) break;
      bytes += b;
      n++;
    }
    const batch = items.splice(0, n);
    if (items.length === 0) this.groups.delete(group);
    this.queued -= batch.length;
    return batch;
  }

  private async drain(): Promise<void> {
    while (this.queued > 0) {
      const batches: Item<T>[][] = [];
      while (batches.length < this.opts.maxInFlight && this.queued > 0) batches.push(this.takeBatch());
      const outcomes = await Promise.all(batches.map((b) => this.sendOne(b)));
      const retryAfter = Math.max(0, ...outcomes.filter((o): o is number => o !== null));
      const attempt = Math.max(0, ...batches.flat().map((i) => i.attempts));
      if (outcomes.some((o) => o !== null)) {
        await this.opts.sleep(
          backoffDelay(attempt, this.opts.baseDelayMs, this.opts.maxDelayMs, this.opts.random, retryAfter),
        );
      }
    }
  }

  /** Sends one batch; re-queues what should be retried. Returns null, or the server's
   * minimum wait (ms, 0 when none) when something was re-queued. */
  private async sendOne(batch: Item<T>[]): Promise<number | null> {
    const group = batch[0]!.group;
    this.inFlight += batch.length;
    for (const item of batch) item.attempts++;
    let result: BatchResult;
    let retryAfterMs = 0;
    try {
      result = await this.transport.send(
        group,
        batch.map((i) => i.payload),
      );
    } catch (err) {
      const e = err instanceof DeliveryError ? err : new DeliveryError(describe(err), true);
      if (!e.retryable) {
        this.inFlight -= batch.length;
        this.counts.dropped += batch.length;
        this.opts.log('error', 'metrics sink batch refused; dropped', {
          sink: this.opts.name,
          dropped: batch.length,
          error: e.message,
        });
        return null;
      }
      result = { retry: batch.map((_, i) => i), dropped: 0, reasons: [e.message] };
      retryAfterMs = e.retryAfterMs ?? 0;
    }
    this.inFlight -= batch.length;
    const retrySet = new Set(result.retry);
    const again = batch.filter((_, i) => retrySet.has(i));
    this.counts.written += batch.length - again.length - result.dropped;
    if (result.dropped > 0) {
      this.counts.dropped += result.dropped;
      this.opts.log('warn', 'metrics sink: backend refused items as invalid; dropped', {
        sink: this.opts.name,
        dropped: result.dropped,
        reasons: result.reasons?.slice(0, 3),
      });
    }
    if (again.length === 0) return null;
    const exhausted = again.filter((i) => i.attempts >= this.opts.maxAttempts);
    const retry = again.filter((i) => i.attempts < this.opts.maxAttempts);
    if (exhausted.length > 0) {
      this.counts.dropped += exhausted.length;
      this.opts.log('error', 'metrics sink gave up after retries; dropped', {
        sink: this.opts.name,
        dropped: exhausted.length,
        attempts: this.opts.maxAttempts,
        reasons: result.reasons?.slice(0, 3),
      });
    }
    if (retry.length === 0) return null;
    this.counts.retried += retry.length;
    // Front of their group: retried items go out before newer ones.
    const list = this.groups.get(group);
    if (list) list.unshift(...retry);
    else this.groups.set(group, retry);
    this.queued += retry.length;
    return retryAfterMs;
  }
}

export function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
