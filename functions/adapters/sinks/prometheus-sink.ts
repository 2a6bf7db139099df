import type { IntervalRecord } from '../../contracts/metrics';
import {
  type BatchResult,
  type BatchTransport,
  DeliveryError,
  type DeliveryOptions,
  DeliveryQueue,
  describe,
  type SinkLog,
  stderrLog,
} from './delivery-queue';
import { redactUrl } from './influxdb-sink';
import { PointGroupSink } from './point-group-sink';
import { PROM_LABEL } from './prometheus-names';
import {
  groupSeries,
  intervalSeries,
  PromCumulative,
  type PromStateJSON,
  PromStateSchema,
} from './prometheus-series';
import { encodeRemoteWriteBody, type PromTimeSeries } from './remote-write-proto';
import type { RequestSigner } from './sigv4-request-signer';
import { intervalPoints, type PointGroup } from './sink-points';

export interface PrometheusSinkOptions {
  /** The remote-write URL, e.g. http://127.0.0.1:9090/api/v1/write or an AMP workspace's …/api/v1/remote_write. */
  url: string;
  /** Signs each request (SigV4 for Amazon Managed Service for Prometheus). @default unsigned */
  sign?: RequestSigner;
  /** Trends as native histograms (the receiver needs them enabled); else k6's stat gauges. @default true */
  nativeHistograms?: boolean;
  /** Series per request. @default 1000 */
  maxBatchSeries?: number;
  /** Per-request timeout. @default 10_000 */
  timeoutMs?: number;
  delivery?: Partial<Omit<DeliveryOptions, 'name' | 'maxBatchItems' | 'maxBatchBytes'>>;
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const secs = Number(header);
  return Number.isFinite(secs) ? Math.max(0, secs * 1000) : undefined;
}

/** Maps a remote-write response: 2xx written; 429/5xx retried; any other 4xx refused for good. */
export async function classifyRemoteWrite(res: Response): Promise<BatchResult> {
  if (res.status >= 200 && res.status < 300) return { retry: [], dropped: 0 };
  const body = (await res.text().catch(() => '')).trim().slice(0, 300);
  const retryable = res.status === 429 || res.status >= 500;
  throw new DeliveryError(
    `HTTP ${res.status} ${body}`,
    retryable,
    retryAfterMs(res.headers.get('retry-after')),
  );
}

/**
 * A receiver that refuses a batch usually refuses every batch the same way (bad auth, out
 * of order, native histograms off): log the first refusal with its message, then only
 * count (stats().dropped) — never one log line per batch.
 */
export function reportRefusalOnce(log: SinkLog): SinkLog {
  let reported = false;
  return (level, message, details) => {
    if (message.includes('refused')) {
      if (reported) return;
      reported = true;
      log(level, `${message} (further refusals are only counted)`, details);
      return;
    }
    log(level, message, details);
  };
}

/**
 * Metrics to any Prometheus remote-write receiver (Prometheus, Amazon Managed Service for
 * Prometheus, Mimir, …): protobuf + snappy, k6's prometheus-rw names, counters cumulative
 * per series from the run's start. Floats and histograms go in separate requests, and each
 * histogram request holds one runner's interval (one timestamp): a receiver that refuses an
 * out-of-order histogram (Prometheus 2.x, on replay) then refuses only the samples it already
 * has, never the floats or another runner's lost interval with them.
 */
export class PrometheusSink extends PointGroupSink<PromTimeSeries> {
  readonly name = 'prometheus';
  protected readonly queue: DeliveryQueue<PromTimeSeries>;
  /** Running totals per run (keyed by run id: one warm Lambda may watch several runs). */
  private readonly runs = new Map<string, PromCumulative>();
  private readonly nativeHistograms: boolean;

  constructor(opts: PrometheusSinkOptions) {
    super();
    const url = new URL(opts.url);
    const timeoutMs = opts.timeoutMs ?? 10_000;
    this.nativeHistograms = opts.nativeHistograms ?? true;
    const transport: BatchTransport<PromTimeSeries> = {
      send: async (_group, series) => {
        const body = encodeRemoteWriteBody(series);
        let headers: Record<string, string> = {
          'Content-Type': 'application/x-protobuf',
          'Content-Encoding': 'snappy',
          'X-Prometheus-Remote-Write-Version': '0.1.0',
          'User-Agent': 'k6-fleet',
        };
        if (opts.sign) headers = await opts.sign(url, headers, body);
        let res: Response;
        try {
          res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
        } catch (err) {
          throw new DeliveryError(`POST ${redactUrl(url.toString())}: ${describe(err)}`, true);
        }
        return classifyRemoteWrite(res);
      },
    };
    this.queue = new DeliveryQueue(transport, {
      // In order: a receiver refuses a series' older sample after a newer one.
      maxInFlight: 1,
      ...opts.delivery,
      log: reportRefusalOnce(opts.delivery?.log ?? stderrLog),
      name: this.name,
      maxBatchItems: opts.maxBatchSeries ?? 1000,
    });
  }

  /** The run's running totals, for a watcher that persists them between ticks. */
  exportRunState(runId: string): PromStateJSON | undefined {
    return this.runs.get(runId)?.toJSON();
  }

  /** Continues a run's totals (a cold-started watcher); the stored state wins over memory. */
  importRunState(runId: string, state: unknown): void {
    const s = PromStateSchema.safeParse(state);
    if (s.success) this.runs.set(runId, PromCumulative.fromJSON(s.data as PromStateJSON));
  }

  private cumulative(runId: string): PromCumulative {
    let c = this.runs.get(runId);
    if (!c) {
      c = new PromCumulative();
      this.runs.set(runId, c);
    }
    return c;
  }

  override async writeIntervals(records: IntervalRecord[], testName?: string): Promise<void> {
    for (const rec of records) {
      this.push(
        intervalSeries(rec, testName, this.cumulative(rec.runId), {
          nativeHistograms: this.nativeHistograms,
        }),
      );
      this.enqueue(intervalPoints(rec, testName));
    }
  }

  protected enqueue(group: PointGroup): void {
    this.push(groupSeries(group, this.cumulative(group.common[PROM_LABEL.runId] ?? '')));
  }

  private push(series: PromTimeSeries[]): void {
    const floats = series.filter((s) => !s.histograms?.length);
    this.queue.enqueue('f', floats);
    for (const h of series.filter((s) => s.histograms?.length)) {
      // Per runner too: runners' intervals end on the same boundaries, and on replay one
      // runner's interval may be stored already while another's was lost.
      const runner = h.labels.find((l) => l.name === PROM_LABEL.runner)?.value ?? '';
      this.queue.enqueue(`h:${h.histograms?.[0]?.timestamp}:${runner}`, [h]);
    }
  }
}
