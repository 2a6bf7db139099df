import { LocalRunStore } from '../../adapters/store/local-run-store';
import type { RunStore } from '../../adapters/store/run-store';
import { ExitCode } from '../../contracts';
import { isRunId, RUN_ID_RULE } from '../../contracts/run-id';
import { renderTextSummary } from '../../core/summary/text-summary';
import { finalizeLate, LateFinalizeRefusal } from '../../engine/finalizer/finalize-late';
import { stackCommandError } from './aws/stack-command-error';
import type { StackCommandDeps } from './aws/stack-run-command';

export interface FinalizeFlags {
  /** Local run store folder. @default ".k6-fleet" */
  outDir?: string;
  /** The AWS fleet's control stack (its run-store bucket); exclusive with outDir. */
  stack?: string;
  stackRegion?: string;
  quiet?: boolean;
}

/**
 * `k6-fleet finalize <runId> [--out-dir DIR | --stack NAME]`: writes the summary, report
 * and history line of a run whose controller died, from what its runners left in the run
 * store. Resolves to the summary's exit code; 104 when there is nothing to finalize now
 * (unknown run, already finalized, runners may still be running).
 */
export async function finalizeCommand(
  runId: string,
  flags: FinalizeFlags,
  deps: Pick<StackCommandDeps, 'connect' | 'stdout' | 'stderr' | 'env'> = {},
): Promise<number> {
  const out = deps.stdout ?? process.stdout;
  const log = (line: string) => (deps.stderr ?? process.stderr).write(`${line}\n`);
  if (!isRunId(runId)) {
    log(`k6-fleet: "${runId}" is not a run id (${RUN_ID_RULE})`);
    return ExitCode.invalidConfig;
  }
  if (flags.stack && flags.outDir) {
    log('k6-fleet: give either --out-dir (a local run) or --stack (an AWS run), not both');
    return ExitCode.invalidConfig;
  }
  try {
    let store: RunStore;
    if (flags.stack) {
      const { connectFleetStack } = await import('./aws/connect-fleet-stack');
      const connect = deps.connect ?? connectFleetStack;
      store = (await connect({ stackName: flags.stack, stackRegion: flags.stackRegion, env: deps.env }))
        .store;
    } else {
      store = new LocalRunStore(flags.outDir ?? '.k6-fleet');
    }
    const fin = await finalizeLate(store, runId);
    const f = fin.summary.fleet;
    if (!flags.quiet) out.write(`${renderTextSummary(fin.summary, { color: false })}\n`);
    log(`k6-fleet: run ${runId} finalized late (${fin.reason}): ${f.verdict}, exit ${f.exitCode}`);
    log(`  summary: ${store.describe(fin.summaryKey)}\n  report:  ${store.describe(fin.reportKey)}`);
    return f.exitCode;
  } catch (e) {
    if (e instanceof LateFinalizeRefusal) {
      log(`k6-fleet: ${e.message}`);
      return ExitCode.invalidConfig;
    }
    return stackCommandError(e, log);
  }
}
