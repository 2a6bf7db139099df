import { execFileSync } from 'node:child_process';

/** PIDs of processes whose command line mentions `needle` (k6 runs a script from its run's folder). */
export function processesMatching(needle: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', needle], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}
