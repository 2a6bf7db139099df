import { markBaseline } from '../../adapters/store/history-store';
import { ExitCode } from '../../contracts';
import type { CommandIo } from './history-command';
import { historyCommandError } from './history-command-error';
import { type HistoryStoreFlags, historyStoreFromFlags } from './history-store-from-flags';

/** `k6-fleet baseline <runId>`: marks the run as its test's baseline (`--baseline baseline`). */
export async function baselineCommand(
  runId: string,
  flags: HistoryStoreFlags,
  io: CommandIo = {},
): Promise<number> {
  const log = (line: string) => (io.stderr ?? process.stderr).write(`${line}\n`);
  let close = () => {};
  try {
    const opened = await historyStoreFromFlags(flags);
    close = opened.close;
    const testName = await markBaseline(opened.store, runId);
    (io.stdout ?? process.stdout).write(`run ${runId} is now the baseline of test "${testName}"\n`);
    return ExitCode.ok;
  } catch (e) {
    return historyCommandError(e, log);
  } finally {
    close();
  }
}
