import { refusalExitCode } from '../../../adapters/aws/refusal-cause';
import { ExitCode, type Summary } from '../../../contracts';
import type { ExecutionState } from './fleet-stack';

/** The state machine's Fail error for input the user must fix (lib: RUN_ERRORS.invalidInput). */
export const INVALID_INPUT_ERROR = 'InvalidInput';

export interface StackRunEnd {
  readonly execution: ExecutionState;
  /** runs/<runId>/summary.json, when Finalize wrote one. */
  readonly summary?: Summary;
  /** The user pressed Ctrl-C while following. */
  readonly interrupted: boolean;
}

/**
 * The exit code of `k6-fleet run --stack`, in k6's terms. A summary decides, as in local
 * mode (an interrupted run's summary says 105 unless a runner failed or a threshold did).
 * Without one: interrupted or stopped → 105; InvalidInput → the k6 code its cause carries
 * (107 for a script exception, see refusal-cause), else 104; anything else → 255.
 * `message` explains the codes that have no summary to show.
 */
export function stackRunExitCode(end: StackRunEnd): { code: number; message?: string } {
  const { execution: ex, summary } = end;
  if (summary) return { code: summary.fleet.exitCode };
  const why = [ex.error, ex.cause].filter(Boolean).join(': ');
  if (end.interrupted) {
    return {
      code: ExitCode.externalAbort,
      message: `interrupted; the execution ended ${ex.status}${why ? ` (${why})` : ''} without a summary`,
    };
  }
  if (ex.status === 'FAILED' && ex.error === INVALID_INPUT_ERROR) {
    return {
      code: refusalExitCode(ex.cause),
      message: `the run was refused: ${ex.cause ?? 'invalid input'}`,
    };
  }
  if (ex.status === 'ABORTED') {
    return {
      code: ExitCode.externalAbort,
      message: `the execution was stopped (console or StopExecution) before the run finished${why ? `: ${why}` : ''}`,
    };
  }
  return {
    code: ExitCode.generic,
    message: `the execution ended ${ex.status} without a summary${why ? `: ${why}` : ''}`,
  };
}
