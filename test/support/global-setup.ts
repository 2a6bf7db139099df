import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** Fails fast, with the fix, when the pinned k6 is not installed. */
export default function setup(): void {
  const k6 = process.env.K6_FLEET_K6 ?? resolve(import.meta.dirname, '../../.tools/bin/k6');
  if (!existsSync(k6)) {
    throw new Error(`k6 not found at ${k6}: run "npm test" (it installs k6) or "bash scripts/install-k6.sh"`);
  }
  process.env.K6_FLEET_K6 = k6;
}
