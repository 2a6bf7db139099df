import { createHash } from 'node:crypto';
import { basename } from 'node:path';

/** The prefix the control Lambdas may read scripts from (Validate and Plan: `scripts/*`). */
export const SCRIPTS_PREFIX = 'scripts/';

/**
 * Where `k6-fleet run --stack` uploads a script: under scripts/cli/, named after the file
 * and its content hash, so concurrent runs of different versions never overwrite each
 * other and re-running an unchanged script writes the same object again.
 */
export function cliScriptKey(scriptPath: string, text: string): string {
  const name = basename(scriptPath)
    .replace(/\.[cm]?js$/, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .slice(0, 64);
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  return `${SCRIPTS_PREFIX}cli/${name || 'script'}-${hash}.js`;
}
