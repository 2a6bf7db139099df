import { type AbortInfo, ExitCode, type RunnerResult, type Verdict } from '../../contracts';

/**
 * How a fleet run ends, in k6's terms. Precedence: a runner's own failure (script error,
 * test.abort(), crash) over thresholds, thresholds over an external stop.
 */
export function decideVerdict(input: {
  abort: AbortInfo | undefined;
  results: RunnerResult[];
  missingRunners: string[];
  thresholdsFailed: boolean;
}): { verdict: Verdict; exitCode: number; reason?: string } {
  const failed = input.results.find((r) => r.outcome === 'failed');
  if (failed) {
    const code = failed.k6ExitCode && failed.k6ExitCode !== 0 ? failed.k6ExitCode : ExitCode.generic;
    return {
      verdict: 'failed',
      exitCode: code,
      reason: `runner ${failed.runnerId} failed: ${failed.reason ?? `exit ${code}`}`,
    };
  }
  const missing = input.missingRunners[0];
  if (missing)
    return { verdict: 'failed', exitCode: ExitCode.generic, reason: `runner ${missing} stopped reporting` };
  const abort = input.abort;
  if (abort?.source === 'runner-failure' || abort?.source === 'dispatch') {
    return { verdict: 'failed', exitCode: ExitCode.generic, reason: abort.reason };
  }
  if (abort?.source === 'threshold' || input.thresholdsFailed) {
    return { verdict: 'thresholds-failed', exitCode: ExitCode.thresholdsFailed, reason: abort?.reason };
  }
  if (abort) return { verdict: 'aborted', exitCode: ExitCode.externalAbort, reason: abort.reason };
  return { verdict: 'passed', exitCode: ExitCode.ok };
}
