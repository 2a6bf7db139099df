import { HistoryLookupError } from '../../adapters/store/history-store';
import { ExitCode } from '../../contracts';
import { stackCommandError } from './aws/stack-command-error';

/** How history, compare and baseline end on an error: what the user can fix is 104. */
export function historyCommandError(e: unknown, log: (line: string) => void): number {
  if (e instanceof HistoryLookupError) {
    log(`k6-fleet: ${e.message}`);
    return ExitCode.invalidConfig;
  }
  return stackCommandError(e, log);
}
