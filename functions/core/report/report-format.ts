import type { ValueType } from '../../contracts';

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A duration in ms the way k6's summary shows it: 812.5µs, 41.27ms, 1.52s, 2m5s. */
export function formatDurationMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const abs = Math.abs(ms);
  if (abs === 0) return '0s';
  if (abs < 1) return `${round(ms * 1000, 2)}µs`;
  if (abs < 1000) return `${round(ms, 2)}ms`;
  if (abs < 60_000) return `${round(ms / 1000, 2)}s`;
  const totalS = Math.round(abs / 1000);
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const s = totalS % 60;
  return `${ms < 0 ? '-' : ''}${h > 0 ? `${h}h` : ''}${m}m${s}s`;
}

/** Bytes in SI units, as k6 prints data metrics: 512 B, 1.2 kB, 3.4 MB. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? round(v, 0) : round(v, 1)} ${units[i]}`;
}

/** A plain number with up to `digits` decimals and no trailing zeros. */
export function formatNumber(n: number, digits = 2): string {
  if (!Number.isFinite(n)) return String(n);
  return String(round(n, digits));
}

export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(2)}%`;
}

/** One k6 stat of a metric, in the metric's unit; `rate` of a counter is per second. */
export function formatStat(stat: string, value: number, contains: ValueType, type: string): string {
  if (type === 'rate' && stat === 'rate') return formatPercent(value);
  if (stat === 'passes' || stat === 'fails') return formatNumber(value, 0);
  if (stat === 'count') return contains === 'data' ? formatBytes(value) : formatNumber(value, 0);
  const perSecond = type === 'counter' && stat === 'rate' ? '/s' : '';
  if (contains === 'time') return `${formatDurationMs(value)}${perSecond}`;
  if (contains === 'data') return `${formatBytes(value)}${perSecond}`;
  return `${formatNumber(value, perSecond ? 2 : 4)}${perSecond}`;
}

/** An epoch-ms instant as an unambiguous UTC timestamp. */
export function formatInstant(epochMs: number | null | undefined): string {
  if (epochMs === null || epochMs === undefined) return '—';
  return `${new Date(epochMs)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, '')} UTC`;
}

/** Time since the run's start, e.g. "+12.5s". */
export function formatOffset(epochMs: number, startAt: number | null): string {
  if (startAt === null) return formatInstant(epochMs);
  return `+${formatDurationMs(epochMs - startAt)}`;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
