import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { MetricsOutputKind } from '../../contracts/fleet-output-batch';

const run = promisify(execFile);
const known = new Map<string, Promise<boolean>>();

/**
 * Whether this k6 binary has k6-fleet's fleet output compiled in (`k6 version` lists it
 * under Extensions). Asked once per binary and process: a runner on a k6 without it (a
 * release tarball) falls back to k6's OpenTelemetry output.
 */
export function k6HasFleetOutput(k6Path: string): Promise<boolean> {
  let answer = known.get(k6Path);
  if (!answer) {
    answer = run(k6Path, ['version'], { timeout: 15_000 })
      .then(({ stdout }) => /\bfleet \[output\]/.test(stdout))
      .catch(() => false);
    known.set(k6Path, answer);
  }
  return answer;
}

/** The output a runner uses: the one asked for, else fleet when this k6 has it. */
export async function chooseMetricsOutput(
  k6Path: string,
  wanted: MetricsOutputKind | 'auto' = 'auto',
): Promise<MetricsOutputKind> {
  if (wanted !== 'auto') return wanted;
  return (await k6HasFleetOutput(k6Path)) ? 'fleet' : 'otlp';
}
