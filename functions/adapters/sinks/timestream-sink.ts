import {
  type _Record,
  TimestreamWriteClient,
  type TimestreamWriteClientConfig,
  WriteRecordsCommand,
} from '@aws-sdk/client-timestream-write';
import {
  type BatchResult,
  type BatchTransport,
  DeliveryError,
  type DeliveryOptions,
  DeliveryQueue,
  describe,
} from './delivery-queue';
import { PointGroupSink } from './point-group-sink';
import { TIMESTREAM_LIMITS } from './schema';
import type { PointGroup } from './sink-points';
import { encodeGroup, recordBytes } from './timestream-records';

export interface TimestreamSinkOptions {
  database: string;
  table: string;
  /** @default the SDK's region resolution (AWS_REGION) */
  region?: string;
  /** A fixed endpoint (an emulator, a VPC endpoint). Endpoint discovery is then skipped:
   * the SDK's discovery middleware bypasses itself for a custom endpoint as long as
   * `endpointDiscoveryEnabled` is left unset (setting it, even to false, makes it throw). */
  endpoint?: string;
  /** A ready client (tests); else one is built from region/endpoint. */
  client?: TimestreamWriteClient;
  delivery?: Partial<Omit<DeliveryOptions, 'name' | 'maxBatchItems'>>;
}

/** Rejection reasons that no resend can fix: count and drop those records. */
const PERMANENT_REJECTION =
  /duplicate|different|version|exceed|limit|invalid|type|schema|too (large|long|many)|retention|outside|must|empty|not (allowed|supported)/i;

const RETRYABLE_ERRORS = new Set([
  'ThrottlingException',
  'InternalServerException',
  'TimeoutError',
  'RequestTimeout',
]);

interface AwsErrorLike {
  name?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
  RejectedRecords?: { RecordIndex?: number; Reason?: string; ExistingVersion?: number }[];
}

/** Maps one WriteRecords failure to what to resend and what to drop, or to a whole-batch error. */
export function classifyWriteError(err: unknown, batchSize: number): BatchResult | DeliveryError {
  const e = (typeof err === 'object' && err !== null ? err : {}) as AwsErrorLike;
  if (e.name === 'RejectedRecordsException' && Array.isArray(e.RejectedRecords)) {
    const retry: number[] = [];
    const reasons: string[] = [];
    let dropped = 0;
    for (const r of e.RejectedRecords) {
      if (r.RecordIndex === undefined || r.RecordIndex < 0 || r.RecordIndex >= batchSize) continue;
      reasons.push(`#${r.RecordIndex}: ${r.Reason ?? 'rejected'}`);
      if (r.ExistingVersion !== undefined || PERMANENT_REJECTION.test(r.Reason ?? '')) dropped++;
      else retry.push(r.RecordIndex);
    }
    return { retry, dropped, reasons };
  }
  const status = e.$metadata?.httpStatusCode;
  const retryable =
    RETRYABLE_ERRORS.has(e.name ?? '') ||
    Boolean(e.$retryable) ||
    status === undefined ||
    status >= 500 ||
    status === 429;
  return new DeliveryError(describe(err), retryable);
}

/** Builds the write client the sink uses: our own retry policy, so the SDK's is off. */
export function createTimestreamWriteClient(opts: {
  region?: string;
  endpoint?: string;
}): TimestreamWriteClient {
  const config: TimestreamWriteClientConfig = { maxAttempts: 1 };
  if (opts.region) config.region = opts.region;
  if (opts.endpoint) config.endpoint = opts.endpoint;
  return new TimestreamWriteClient(config);
}

/** Metrics to Amazon Timestream for LiveAnalytics: multi-measure records with CommonAttributes. */
export class TimestreamSink extends PointGroupSink<_Record> {
  readonly name = 'timestream';
  private readonly client: TimestreamWriteClient;
  protected readonly queue: DeliveryQueue<_Record>;

  constructor(opts: TimestreamSinkOptions) {
    super();
    this.client = opts.client ?? createTimestreamWriteClient(opts);
    const transport: BatchTransport<_Record> = {
      send: async (group, records) => {
        // The group key is the CommonAttributes itself: no side table to keep in sync.
        const common = JSON.parse(group) as _Record;
        try {
          await this.client.send(
            new WriteRecordsCommand({
              DatabaseName: opts.database,
              TableName: opts.table,
              CommonAttributes: common,
              Records: records,
            }),
          );
          return { retry: [], dropped: 0 };
        } catch (err) {
          const outcome = classifyWriteError(err, records.length);
          if (outcome instanceof DeliveryError) throw outcome;
          return outcome;
        }
      },
    };
    this.queue = new DeliveryQueue(
      transport,
      { ...opts.delivery, name: this.name, maxBatchItems: TIMESTREAM_LIMITS.recordsPerWrite },
      (r) => recordBytes(r),
    );
  }

  protected enqueue(group: PointGroup): void {
    const enc = encodeGroup(group);
    this.queue.countDropped(enc.oversized, `record over ${TIMESTREAM_LIMITS.recordBytes} bytes`);
    this.queue.enqueue(JSON.stringify(enc.common), enc.records);
  }
}
