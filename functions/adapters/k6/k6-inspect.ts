import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What the planner needs from `k6 inspect --execution-requirements`. */
export interface K6Inspection {
  maxVUs: number;
  /** Go duration string, e.g. "10m30s": all scenarios incl. graceful stops, no setup/teardown. */
  totalDuration: string;
  thresholds: unknown;
  summaryTrendStats: string[];
  setupTimeout: string | null;
  teardownTimeout: string | null;
  /** The script's options as k6 resolved them (scenarios, shortcuts; nulls for unset). */
  options: Record<string, unknown>;
}

/** k6 refused the script or its options; exitCode is k6's own (104 config, 107 script). */
export class K6InspectError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/**
 * Runs k6 inspect with the run's env vars (options may read __ENV). k6's own validation
 * of options and threshold syntax happens here, before any load.
 */
export async function inspectScript(
  k6Path: string,
  scriptPath: string,
  env: Record<string, string>,
): Promise<K6Inspection> {
  const args = ['inspect', '--execution-requirements', '--include-system-env-vars=false'];
  for (const [k, v] of Object.entries(env)) args.push('-e', `${k}=${v}`);
  args.push(scriptPath);
  try {
    const { stdout } = await run(k6Path, args, { maxBuffer: 16 * 1024 * 1024, timeout: 60_000 });
    const o = JSON.parse(stdout) as Record<string, unknown>;
    return {
      maxVUs: Number(o.maxVUs ?? 0),
      totalDuration: String(o.totalDuration ?? '0s'),
      thresholds: o.thresholds ?? {},
      summaryTrendStats: (o.summaryTrendStats as string[] | null) ?? [
        'avg',
        'min',
        'med',
        'max',
        'p(90)',
        'p(95)',
      ],
      setupTimeout: (o.setupTimeout as string | null) ?? null,
      teardownTimeout: (o.teardownTimeout as string | null) ?? null,
      options: o,
    };
  } catch (e) {
    const err = e as { code?: number | string; stderr?: string; message: string };
    if (typeof err.code !== 'number')
      throw new K6InspectError(`could not run k6 (${k6Path}): ${err.message}`, 255);
    throw new K6InspectError(k6ErrorText(err.stderr ?? err.message), err.code);
  }
}

/** The human part of k6's logfmt error lines (`level=error msg="..."`). */
export function k6ErrorText(stderr: string): string {
  const msgs = [...stderr.matchAll(/msg="((?:[^"\\]|\\.)*)"/g)].map((m) => (m[1] ?? '').replace(/\\"/g, '"'));
  return (msgs.length ? msgs.join('; ') : stderr).trim();
}
