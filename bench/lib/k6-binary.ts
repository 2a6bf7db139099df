import { resolve } from 'node:path';

/** The pinned k6 the benchmarks run (scripts/install-k6.sh puts it in .tools/bin). */
export const K6_BIN = process.env.K6_FLEET_K6 ?? resolve(import.meta.dirname, '../../.tools/bin/k6');

/** Repository root, for spawning the bundled bin/ entry points. */
export const REPO_ROOT = resolve(import.meta.dirname, '../..');
