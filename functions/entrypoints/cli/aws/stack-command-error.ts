import { ExitCode } from '../../../contracts';
import { FleetStackError } from './fleet-stack';

/** How a --stack command ends on an error: a stack problem the user can fix is k6's 104. */
export function stackCommandError(e: unknown, log: (line: string) => void): number {
  if (e instanceof FleetStackError) {
    log(`k6-fleet: ${e.message}`);
    return ExitCode.invalidConfig;
  }
  log(`k6-fleet: ${(e as Error).stack ?? e}`);
  return ExitCode.generic;
}
