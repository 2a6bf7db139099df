import { InvalidArgumentError } from 'commander';

/** `--region eu-west-1=50` → { name, weight }. */
export function parseRegion(value: string, prev: { name: string; weight: number }[] = []) {
  const m = /^([^=]+)=(.+)$/.exec(value);
  const weight = m ? Number(m[2]) : Number.NaN;
  if (!m || !Number.isFinite(weight)) {
    throw new InvalidArgumentError(`expected NAME=WEIGHT (e.g. eu-west-1=50), got "${value}"`);
  }
  return [...prev, { name: m[1]!.trim(), weight }];
}

/** `-e KEY=VALUE` / `--tag KEY=VALUE` → record (the value may contain '='). */
export function parseKeyValue(value: string, prev: Record<string, string> = {}) {
  const i = value.indexOf('=');
  if (i <= 0) throw new InvalidArgumentError(`expected KEY=VALUE, got "${value}"`);
  return { ...prev, [value.slice(0, i)]: value.slice(i + 1) };
}

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`expected a positive whole number, got "${value}"`);
  return n;
}

export function parsePositiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError(`expected a positive number, got "${value}"`);
  return n;
}
