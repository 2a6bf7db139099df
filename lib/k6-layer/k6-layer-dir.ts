import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root (lib/k6-layer → ../..). */
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

export type LambdaArch = 'arm64' | 'x86_64';

/** Where scripts/build-k6-layer.sh puts the layer for an architecture (k6 at bin/k6). */
export function k6LayerDir(arch: LambdaArch, root = REPO_ROOT): string {
  return join(root, '.tools', 'layers', `k6-${arch}`);
}

/**
 * The layer folder for `arch`, building it first when k6 is not there yet (a minute or
 * two, once; the Go module cache makes it work offline). Synth fails with the fix when
 * it cannot be built.
 */
export function ensureK6LayerDir(arch: LambdaArch, root = REPO_ROOT): string {
  const dir = k6LayerDir(arch, root);
  if (existsSync(join(dir, 'bin', 'k6'))) return dir;
  const script = join(root, 'scripts', 'build-k6-layer.sh');
  const built = spawnSync('bash', [script, arch], { stdio: ['ignore', 2, 2] });
  if (built.status !== 0 || !existsSync(join(dir, 'bin', 'k6'))) {
    throw new Error(
      `the k6 Lambda layer for ${arch} is missing and could not be built: run "bash scripts/build-k6-layer.sh ${arch}" and read its error (it needs Go >= 1.25)`,
    );
  }
  return dir;
}
