import protobuf from 'protobufjs';
import { compress, uncompress } from 'snappyjs';

/**
 * Prometheus remote write 1.0 (prompb WriteRequest, as Prometheus 2.x receives it), defined
 * once with protobufjs reflection: only the messages we send, with their wire ids.
 * Bodies are snappy block-compressed (Content-Encoding: snappy).
 */
const root = protobuf.Root.fromJSON({
  nested: {
    prometheus: {
      nested: {
        WriteRequest: {
          fields: {
            timeseries: { rule: 'repeated', type: 'TimeSeries', id: 1 },
          },
        },
        TimeSeries: {
          fields: {
            labels: { rule: 'repeated', type: 'Label', id: 1 },
            samples: { rule: 'repeated', type: 'Sample', id: 2 },
            histograms: { rule: 'repeated', type: 'Histogram', id: 4 },
          },
        },
        Label: { fields: { name: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        Sample: { fields: { value: { type: 'double', id: 1 }, timestamp: { type: 'int64', id: 2 } } },
        BucketSpan: { fields: { offset: { type: 'sint32', id: 1 }, length: { type: 'uint32', id: 2 } } },
        Histogram: {
          oneofs: { count: { oneof: ['countInt'] }, zeroCount: { oneof: ['zeroCountInt'] } },
          fields: {
            countInt: { type: 'uint64', id: 1 },
            sum: { type: 'double', id: 3 },
            schema: { type: 'sint32', id: 4 },
            zeroThreshold: { type: 'double', id: 5 },
            zeroCountInt: { type: 'uint64', id: 6 },
            negativeSpans: { rule: 'repeated', type: 'BucketSpan', id: 8 },
            negativeDeltas: { rule: 'repeated', type: 'sint64', id: 9 },
            positiveSpans: { rule: 'repeated', type: 'BucketSpan', id: 11 },
            positiveDeltas: { rule: 'repeated', type: 'sint64', id: 12 },
            resetHint: { type: 'int32', id: 14 },
            timestamp: { type: 'int64', id: 15 },
          },
        },
      },
    },
  },
});
const WriteRequest = root.lookupType('prometheus.WriteRequest');

export interface PromLabel {
  name: string;
  value: string;
}
export interface PromSample {
  value: number;
  /** Epoch ms. */
  timestamp: number;
}
export interface PromBucketSpan {
  offset: number;
  length: number;
}
/** A native histogram with integer counts; bucket counts are delta-encoded as the wire wants. */
export interface PromHistogram {
  countInt: number;
  sum: number;
  schema: number;
  zeroThreshold: number;
  zeroCountInt: number;
  negativeSpans: PromBucketSpan[];
  negativeDeltas: number[];
  positiveSpans: PromBucketSpan[];
  positiveDeltas: number[];
  /** 0 unknown (the receiver detects counter resets), 3 gauge histogram. */
  resetHint: number;
  timestamp: number;
}
/** One series with one sample or one histogram (labels sorted by name, __name__ included). */
export interface PromTimeSeries {
  labels: PromLabel[];
  samples?: PromSample[];
  histograms?: PromHistogram[];
}

/** The protobuf bytes of a WriteRequest (before snappy). */
export function encodeWriteRequest(series: PromTimeSeries[]): Uint8Array {
  return WriteRequest.encode(WriteRequest.fromObject({ timeseries: series })).finish();
}

/** The body a remote-write receiver takes: snappy(protobuf). */
export function encodeRemoteWriteBody(series: PromTimeSeries[]): Uint8Array {
  return compress(encodeWriteRequest(series));
}

/** Decodes a remote-write body (tests, the SigV4 check server, bench). Int64s come back as numbers. */
export function decodeRemoteWriteBody(body: Uint8Array): PromTimeSeries[] {
  const msg = WriteRequest.decode(uncompress(body));
  const obj = WriteRequest.toObject(msg, { longs: Number, defaults: false, arrays: true }) as {
    timeseries?: PromTimeSeries[];
  };
  return obj.timeseries ?? [];
}
