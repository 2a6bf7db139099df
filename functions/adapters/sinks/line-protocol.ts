import { encodeHistogram } from './histogram-payload';
import { FIELDS, type FieldType, type MeasureName } from './schema';
import type { FieldValue, PointGroup, SinkPoint } from './sink-points';

/**
 * Pure InfluxDB line protocol (v1 write API, precision=ms) for sink points:
 * `measurement,tag=v,… field=1.5,hist="…" 1700000000000`. Numbers are always floats (a
 * field's type must never change within a shard), strings are quoted and escaped,
 * tags are sorted (what InfluxDB recommends for write speed), empty tags are left out.
 */

const escapeMeasurement = (s: string): string => s.replace(/[\\, ]/g, (c) => `\\${c}`).replace(/\n/g, '\\n');
const escapeKey = (s: string): string => s.replace(/[\\,= ]/g, (c) => `\\${c}`).replace(/\n/g, '\\n');
const escapeString = (s: string): string => s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\n');

function fieldText(measure: MeasureName, name: string, v: FieldValue): string | null {
  const type = (FIELDS[measure] as Record<string, FieldType>)[name];
  if (!type) throw new Error(`schema: ${measure} has no field "${name}"`);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null;
  const s = typeof v === 'string' ? v : encodeHistogram(v);
  return `"${escapeString(s)}"`;
}

/** One point as one line, or null when it has no field to write. */
export function pointLine(tags: Record<string, string>, p: SinkPoint): string | null {
  const fields: string[] = [];
  for (const [name, v] of Object.entries(p.fields)) {
    const text = fieldText(p.measure, name, v);
    if (text !== null) fields.push(`${escapeKey(name)}=${text}`);
  }
  if (fields.length === 0) return null;
  const tagText = Object.keys(tags)
    .filter((k) => tags[k] !== '')
    .sort()
    .map((k) => `,${escapeKey(k)}=${escapeKey(tags[k]!)}`)
    .join('');
  return `${escapeMeasurement(p.measure)}${tagText} ${fields.join(',')} ${Math.round(p.time)}`;
}

export function groupLines(group: PointGroup): string[] {
  const out: string[] = [];
  for (const p of group.points) {
    const line = pointLine({ ...group.common, ...p.dims }, p);
    if (line !== null) out.push(line);
  }
  return out;
}
