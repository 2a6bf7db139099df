import type { _Record, Dimension, MeasureValue } from '@aws-sdk/client-timestream-write';
import type { ExpHistogram } from '../../contracts';
import { encodeHistogramWithin } from './histogram-payload';
import { FIELDS, type FieldType, type MeasureName, TIMESTREAM_LIMITS } from './schema';
import type { FieldValue, PointGroup, SinkPoint } from './sink-points';

/**
 * Pure encoding of sink points into Timestream WriteRecords payloads: multi-measure
 * records, shared dimensions / time / measure name lifted into CommonAttributes, every
 * record ≤ 2 KB (histograms downscaled until they fit), ≤ 100 records per request,
 * and the billed size of each request (writes are metered per started KiB).
 */

export interface TimestreamWrite {
  common: _Record;
  records: _Record[];
}

export interface EncodedGroup extends TimestreamWrite {
  /** Points that could not become a valid record (too large even without a histogram). */
  oversized: number;
  /** Histograms downscaled to fit the record limit. */
  downscaled: number;
}

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');
const TIME_BYTES = 8;
const NUMBER_BYTES = 8;

function fieldType(measure: MeasureName, field: string): FieldType {
  const t = (FIELDS[measure] as Record<string, FieldType>)[field];
  if (!t) throw new Error(`schema: ${measure} has no field "${field}"`);
  return t;
}

function dimsBytes(dims: Record<string, string>): number {
  let n = 0;
  for (const [k, v] of Object.entries(dims)) n += utf8(k) + utf8(v);
  return n;
}

function toDimensions(dims: Record<string, string>): Dimension[] {
  return Object.entries(dims).map(([Name, Value]) => ({ Name, Value }));
}

const doubleText = (v: number): string => String(v);

function measureValueBytes(mv: MeasureValue): number {
  return utf8(mv.Name ?? '') + (mv.Type === 'VARCHAR' ? utf8(mv.Value ?? '') : NUMBER_BYTES);
}

/** Size of one record as Timestream meters it: time + dimensions + measure name + values. */
export function recordBytes(rec: _Record, common?: _Record): number {
  const dims = [...(common?.Dimensions ?? []), ...(rec.Dimensions ?? [])];
  let n = TIME_BYTES + utf8(rec.MeasureName ?? common?.MeasureName ?? '');
  for (const d of dims) n += utf8(d.Name ?? '') + utf8(d.Value ?? '');
  for (const mv of rec.MeasureValues ?? []) n += measureValueBytes(mv);
  return n;
}

/** Bytes of one WriteRecords request as metered: common attributes once, then each record's own part. */
export function requestBytes(w: TimestreamWrite): number {
  let n = TIME_BYTES + utf8(w.common.MeasureName ?? '');
  for (const d of w.common.Dimensions ?? []) n += utf8(d.Name ?? '') + utf8(d.Value ?? '');
  for (const r of w.records) {
    n += utf8(r.MeasureName ?? '') + (r.Time !== undefined ? TIME_BYTES : 0);
    for (const d of r.Dimensions ?? []) n += utf8(d.Name ?? '') + utf8(d.Value ?? '');
    for (const mv of r.MeasureValues ?? []) n += measureValueBytes(mv);
  }
  return n;
}

export function billedWriteUnits(w: TimestreamWrite): number {
  return Math.ceil(requestBytes(w) / TIMESTREAM_LIMITS.billedUnitBytes);
}

const allSame = <T>(xs: T[]): boolean => xs.every((x) => x === xs[0]);

/** Encodes one group into one CommonAttributes and its records (not yet split into requests). */
export function encodeGroup(group: PointGroup): EncodedGroup {
  const points = group.points;
  const sameTime = points.length > 0 && allSame(points.map((p) => Math.round(p.time)));
  const sameMeasure = points.length > 0 && allSame(points.map((p) => p.measure));
  const common: _Record = {
    Dimensions: toDimensions(group.common),
    MeasureValueType: 'MULTI',
    TimeUnit: 'MILLISECONDS',
  };
  if (sameTime) common.Time = String(Math.round(points[0]!.time));
  if (sameMeasure) common.MeasureName = points[0]!.measure;
  const commonDimBytes = dimsBytes(group.common);
  let oversized = 0;
  let downscaled = 0;
  const records: _Record[] = [];
  for (const p of points) {
    const enc = encodePoint(p, commonDimBytes, !sameTime, !sameMeasure);
    if (!enc) {
      oversized++;
      continue;
    }
    if (enc.downscaled) downscaled++;
    records.push(enc.record);
  }
  return { common, records, oversized, downscaled };
}

function encodePoint(
  p: SinkPoint,
  commonDimBytes: number,
  withTime: boolean,
  withMeasure: boolean,
): { record: _Record; downscaled: boolean } | null {
  const values: MeasureValue[] = [];
  let hist: ExpHistogram | null = null;
  for (const [name, v] of Object.entries(p.fields) as [string, FieldValue][]) {
    const type = fieldType(p.measure, name);
    if (typeof v === 'object') {
      hist = v;
      continue;
    }
    values.push({ Name: name, Value: typeof v === 'number' ? doubleText(v) : v, Type: type });
  }
  const record: _Record = { Dimensions: toDimensions(p.dims), MeasureValues: values };
  if (withTime) record.Time = String(Math.round(p.time));
  if (withMeasure) record.MeasureName = p.measure;
  const base =
    TIME_BYTES +
    utf8(p.measure) +
    commonDimBytes +
    dimsBytes(p.dims) +
    values.reduce((n, mv) => n + measureValueBytes(mv), 0);
  if (base > TIMESTREAM_LIMITS.recordBytes) return null;
  let downscaled = false;
  if (hist) {
    const budget =
      Math.min(TIMESTREAM_LIMITS.recordBytes - base, TIMESTREAM_LIMITS.varcharBytes) - utf8('hist');
    const fit = encodeHistogramWithin(hist, budget);
    // A histogram that cannot fit even at the coarsest scale is left out; the record's
    // count/sum/min/max still go in.
    if (fit) {
      values.push({ Name: 'hist', Value: fit.text, Type: fieldType(p.measure, 'hist') });
      downscaled = fit.scale !== hist.scale;
    }
  }
  if (values.length === 0 || values.length > TIMESTREAM_LIMITS.measuresPerRecord) return null;
  return { record, downscaled };
}

/** Splits an encoded group into WriteRecords payloads of ≤ 100 records each. */
export function toWrites(enc: TimestreamWrite): TimestreamWrite[] {
  const out: TimestreamWrite[] = [];
  for (let i = 0; i < enc.records.length; i += TIMESTREAM_LIMITS.recordsPerWrite) {
    out.push({ common: enc.common, records: enc.records.slice(i, i + TIMESTREAM_LIMITS.recordsPerWrite) });
  }
  return out;
}
