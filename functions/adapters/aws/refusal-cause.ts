import { ExitCode } from '../../contracts';

/**
 * The Fail cause of a run the fleet refused (error `InvalidInput`). The execution ends with
 * only an error name and a cause text, so a k6 exit code other than the default 104 (a script
 * exception is 107) leads the cause as a marker: `k6-fleet run --stack` reads it back and
 * exits as local mode does. Both directions live here so the format cannot drift.
 */
const MARKER = /^\[k6 exit (\d+)\] /;

/** The cause text for a refusal with k6's exit code: `[k6 exit 107] k6 rejected the script: …`. */
export function refusalCause(message: string, exitCode: number): string {
  return exitCode === ExitCode.invalidConfig ? message : `[k6 exit ${exitCode}] ${message}`;
}

/** k6's exit code carried by a refusal cause; 104 when it carries none. */
export function refusalExitCode(cause: string | undefined): number {
  const marked = cause?.match(MARKER);
  return marked ? Number(marked[1]) : ExitCode.invalidConfig;
}
