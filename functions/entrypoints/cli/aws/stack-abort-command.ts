import { writeAbortOnce } from '../../../adapters/aws/abort-writer';
import { getJson } from '../../../adapters/store/run-store';
import { AbortInfoSchema, ExitCode, runKeys, SummarySchema } from '../../../contracts';
import { isRunId, RUN_ID_RULE } from '../../../contracts/run-id';
import { connectFleetStack } from './connect-fleet-stack';
import { type ExecutionState, type FleetStack, isExecutionActive } from './fleet-stack';
import { stackCommandError } from './stack-command-error';
import type { StackCommandDeps } from './stack-run-command';

export interface StackAbortFlags {
  /** CloudFormation name of the fleet's control stack. */
  stack: string;
  stackRegion?: string;
  /** Shown in the summary and the report. @default "aborted with k6-fleet abort" */
  reason?: string;
  /**
   * Seconds to let the run end on its own after the abort (runners stop, Finalize writes the
   * summary and report) before stopping the execution. 0 stops it at once. @default 60
   */
  wait?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `k6-fleet abort <runId> --stack <name>`: writes the run's abort.json (every runner polls
 * it and stops k6 within seconds), lets the run finish with its summary for up to `wait`
 * seconds, then stops the execution if it is still running, so the console shows it
 * stopped. Resolves to 0 when the run is stopped or was already over, 104 for an unknown
 * run or a bad stack.
 */
export async function stackAbortCommand(
  runId: string,
  flags: StackAbortFlags,
  deps: StackCommandDeps = {},
): Promise<number> {
  const err = deps.stderr ?? process.stderr;
  const log = (line: string) => err.write(`${line}\n`);
  if (!isRunId(runId)) {
    log(`k6-fleet: "${runId}" is not a run id (${RUN_ID_RULE})`);
    return ExitCode.invalidConfig;
  }
  const pollMs = deps.pollMs ?? 2000;
  const waitMs = (flags.wait ?? 60) * 1000;
  let stack: FleetStack | undefined;
  try {
    stack = await (deps.connect ?? connectFleetStack)({
      stackName: flags.stack,
      stackRegion: flags.stackRegion,
      env: deps.env,
    });
    const { store } = stack;
    const keys = runKeys(runId);
    const [execution, planText, statusText, summary] = await Promise.all([
      stack.describeExecution(runId),
      store.get(keys.plan),
      store.get(keys.status),
      getJson(store, keys.summary, (v) => SummarySchema.parse(v)),
    ]);
    if (!execution && planText === undefined && statusText === undefined && !summary) {
      log(
        `k6-fleet: unknown run "${runId}": no execution of that name in ${stack.outputs.stateMachineArn} and nothing under ${store.describe(keys.prefix)}`,
      );
      return ExitCode.invalidConfig;
    }
    if (summary) {
      log(
        `k6-fleet: run ${runId} has already finished (${summary.fleet.verdict}, exit ${summary.fleet.exitCode}); nothing to stop. Report: ${store.describe(keys.report)}`,
      );
      return ExitCode.ok;
    }

    const reason = flags.reason ?? 'aborted with k6-fleet abort';
    const action = await writeAbortOnce(store, runId, { source: 'cli', reason, at: Date.now() });
    if (action === 'written') {
      log(`k6-fleet: wrote ${store.describe(keys.abort)}: every runner stops within seconds`);
    } else {
      const first = await getJson(store, keys.abort, (v) => AbortInfoSchema.parse(v));
      log(
        `k6-fleet: run ${runId} was already being aborted (${first?.source}: ${first?.reason}); that abort is kept`,
      );
    }
    if (!execution || !isExecutionActive(execution.status)) {
      log(
        `k6-fleet: ${execution ? `execution ${runId} already ended ${execution.status}` : `no execution named ${runId}`}; the abort stops any runner still running`,
      );
      return ExitCode.ok;
    }

    const ended = await waitForEnd(stack, runId, waitMs, pollMs, log);
    if (ended) {
      const finalSummary = await getJson(store, keys.summary, (v) => SummarySchema.parse(v));
      log(
        `k6-fleet: execution ended ${ended.status}${ended.error ? ` (${ended.error})` : ''}${finalSummary ? `; summary ${store.describe(keys.summary)}, report ${store.describe(keys.report)}` : ''}`,
      );
      return ExitCode.ok;
    }
    await stack.stopExecution(execution.executionArn, `k6-fleet abort (cli): ${reason}`);
    log(`k6-fleet: stopped execution ${execution.executionArn}`);
    return ExitCode.ok;
  } catch (e) {
    return stackCommandError(e, log);
  } finally {
    stack?.close();
  }
}

/** Polls the execution until it ends or `waitMs` passes; the ended state, else undefined. */
async function waitForEnd(
  stack: FleetStack,
  runId: string,
  waitMs: number,
  pollMs: number,
  log: (line: string) => void,
): Promise<ExecutionState | undefined> {
  if (waitMs <= 0) return undefined;
  log(
    `k6-fleet: waiting up to ${Math.round(waitMs / 1000)} s for the run to end with its summary (--wait 0 stops the execution at once)…`,
  );
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())));
    const ex = await stack.describeExecution(runId);
    if (ex && !isExecutionActive(ex.status)) return ex;
  }
  return undefined;
}
