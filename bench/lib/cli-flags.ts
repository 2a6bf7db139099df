import { parseArgs } from 'node:util';

/**
 * Numeric `--name value` flags with defaults; `--help` prints them and exits.
 * Each benchmark declares its own so `npm run bench` stays within its time budget.
 */
export function numericFlags<T extends Record<string, number>>(
  usage: string,
  defaults: T,
  help: Record<keyof T, string>,
): T {
  const options = Object.fromEntries(Object.keys(defaults).map((k) => [k, { type: 'string' as const }]));
  const { values } = parseArgs({ options: { ...options, help: { type: 'boolean' } }, strict: true });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    for (const [k, v] of Object.entries(defaults))
      process.stdout.write(`  --${k} <n>  ${help[k]} (default ${v})\n`);
    process.exit(0);
  }
  const out: Record<string, number> = { ...defaults };
  for (const k of Object.keys(defaults)) {
    const raw = (values as Record<string, string | boolean | undefined>)[k];
    if (typeof raw !== 'string') continue;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${k} must be a positive number, got "${raw}"`);
    out[k] = n;
  }
  return out as T;
}
