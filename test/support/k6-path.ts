import { resolve } from 'node:path';

/** The pinned k6 binary the suite runs (installed by scripts/install-k6.sh). */
export const K6_PATH = process.env.K6_FLEET_K6 ?? resolve(import.meta.dirname, '../../.tools/bin/k6');
