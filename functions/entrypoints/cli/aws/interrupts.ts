import { ExitCode } from '../../../contracts';

/** Calls `onInterrupt` on each interrupt (Ctrl-C); returns the unsubscribe function. */
export type InterruptSource = (onInterrupt: () => void) => () => void;

/**
 * SIGINT / SIGTERM of this process. The commands handle the first two (abort, then stop
 * the execution); a third leaves at once with k6's external-abort code.
 */
export const processInterrupts: InterruptSource = (onInterrupt) => {
  let count = 0;
  const handler = () => {
    count++;
    if (count >= 3) process.exit(ExitCode.externalAbort);
    onInterrupt();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
};
