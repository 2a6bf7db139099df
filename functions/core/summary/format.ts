import type { MetricType, ValueType } from '../../contracts';

/** k6's `summaryTimeUnit`: a fixed unit for every duration instead of the adaptive one. */
export type TimeUnit = 's' | 'ms' | 'us';

const FIXED_UNITS: Record<TimeUnit, { suffix: string; perMs: number }> = {
  s: { suffix: 's', perMs: 0.001 },
  ms: { suffix: 'ms', perMs: 1 },
  us: { suffix: 'µs', perMs: 1000 },
};

/**
 * A duration in milliseconds the way k6's end-of-test summary prints it: `0s`, `850ns`,
 * `373.54µs`, `2.44ms`, `4.97s`, `1m30s`, `56h43m16s` (two decimals, truncated, trailing zeros
 * dropped; whole seconds beyond a minute). With `unit`, always that unit with two decimals.
 */
export function formatDuration(ms: number, unit?: TimeUnit): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (unit) return `${(ms * FIXED_UNITS[unit].perMs).toFixed(2)}${FIXED_UNITS[unit].suffix}`;
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms === 0) return '0s';
  if (ms < 0.001) return `${Math.trunc(ms * 1e6)}ns`;
  if (ms < 1) return `${truncated(ms * 1000, 2)}µs`;
  if (ms < 1000) return `${truncated(ms, 2)}ms`;
  const seconds = `${truncated((ms % 60_000) / 1000, ms > 60_000 ? 0 : 2)}s`;
  const totalMinutes = Math.trunc(ms / 60_000);
  if (totalMinutes < 1) return seconds;
  const hours = Math.trunc(totalMinutes / 60);
  const minutes = `${totalMinutes % 60}m${seconds}`;
  return hours < 1 ? minutes : `${hours}h${minutes}`;
}

/** A byte count as k6 prints data metrics: SI units (1 kB = 1000 B), one decimal below 10. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return `${n} B`;
  if (n < 10) return `${n} B`;
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
  const exp = Math.min(Math.floor(Math.log(n) / Math.log(1000)), units.length - 1);
  const scaled = Math.floor((n / 1000 ** exp) * 10 + 0.5) / 10;
  return `${scaled.toFixed(scaled < 10 ? 1 : 0)} ${units[exp]}`;
}

/** A plain number as k6 prints it: up to six decimals, trailing zeros dropped. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return String(Number.parseFloat(n.toFixed(6)));
}

/** A ratio (0–1) as k6 prints Rate metrics: two decimals, truncated, e.g. `99.99%`. */
export function formatPercent(ratio: number): string {
  if (!Number.isFinite(ratio)) return '0.00%';
  return `${(Math.trunc(ratio * 100 * 100) / 100).toFixed(2)}%`;
}

/** One value of a metric in the unit its metric carries (k6's humanizeValue). */
export function formatMetricValue(
  value: number,
  metric: { type: MetricType; contains: ValueType },
  unit?: TimeUnit,
): string {
  if (metric.type === 'rate') return formatPercent(value);
  if (metric.contains === 'time') return formatDuration(value, unit);
  if (metric.contains === 'data') return formatBytes(value);
  return formatNumber(value);
}

/** `value` with `decimals` decimals, cut (not rounded), without trailing zeros. */
function truncated(value: number, decimals: number): string {
  const scale = 10 ** decimals;
  return formatNumberTo(Math.trunc(value * scale) / scale, decimals);
}

function formatNumberTo(n: number, decimals: number): string {
  return String(Number.parseFloat(n.toFixed(decimals)));
}
