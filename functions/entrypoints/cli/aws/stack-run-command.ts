import { writeFile } from 'node:fs/promises';
import { ExitCode, type RunInput, RunInputSchema, runKeys } from '../../../contracts';
import { renderTextSummary } from '../../../core/summary/text-summary';
import { newRunId } from '../../../engine/planner/plan-run';
import { planAnnouncement, renderLiveView } from '../../local/live-view';
import { type CliOutput, liveViewPrinter } from '../live-view-printer';
import { readScript } from '../read-script';
import type { RunFlags } from '../run-command';
import { runInputFromFlags } from '../run-input-from-flags';
import { cliScriptKey } from './cli-script-key';
import { connectFleetStack } from './connect-fleet-stack';
import { type ConnectFleetStack, executionConsoleUrl, type FleetStack } from './fleet-stack';
import { followRun } from './follow-run';
import { type InterruptSource, processInterrupts } from './interrupts';
import { stackCommandError } from './stack-command-error';
import { stackRunExitCode } from './stack-exit-code';

/** `k6-fleet run --stack`: the run flags plus where the fleet is. */
export type StackRunFlags = RunFlags & {
  /** CloudFormation name of the fleet's control stack. */
  stack: string;
  /** The control stack's region. @default AWS_REGION / AWS_DEFAULT_REGION / the SDK's profile */
  stackRegion?: string;
};

/** What the stack commands talk to; tests replace the parts they need. */
export interface StackCommandDeps {
  connect?: ConnectFleetStack;
  interrupts?: InterruptSource;
  /** @default 2000 */
  pollMs?: number;
  stdout?: CliOutput;
  stderr?: CliOutput;
  env?: NodeJS.ProcessEnv;
  newRunId?: () => string;
}

/** Local-mode flags that mean nothing to a deployed fleet (its Lambdas fix them). */
const LOCAL_ONLY: [keyof RunFlags, string, string][] = [
  ['sink', '--sink', "the fleet's sink is set in its config (timestream)"],
  ['k6Out', '--k6-out', 'runners have no work dir you could read'],
  ['k6', '--k6', 'runners use the k6 layer of the deployment'],
];

/**
 * Refuses local-only flags, reads the script and checks the run input, so a typo fails in
 * a second; resolves to the exit code when it refuses.
 */
async function prepareStackRun(
  scriptPath: string,
  flags: StackRunFlags,
  deps: StackCommandDeps,
  log: (line: string) => void,
): Promise<number | { scriptText: string; runId: string; s3Key: string; input: RunInput }> {
  for (const [key, flag, why] of LOCAL_ONLY) {
    if (flags[key] !== undefined) {
      log(`k6-fleet: ${flag} is for local runs only (${why}); leave it out with --stack`);
      return ExitCode.invalidConfig;
    }
  }
  const scriptText = await readScript(scriptPath, log);
  if (scriptText === undefined) return ExitCode.invalidConfig;
  const runId = (deps.newRunId ?? (() => newRunId(Date.now())))();
  const s3Key = cliScriptKey(scriptPath, scriptText);
  // Without --region the input names no regions: Validate applies the fleet's configured ones.
  // Checked here too, so a typo fails in a second, before anything is uploaded or started.
  const parsed = RunInputSchema.safeParse(runInputFromFlags(scriptPath, { s3Key }, flags, runId));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`);
    log(`k6-fleet: invalid run input: ${issues.join('; ')}`);
    return ExitCode.invalidConfig;
  }
  return { scriptText, runId, s3Key, input: parsed.data };
}

/**
 * `k6-fleet run <script> --stack <name>`: uploads the script to the fleet's bucket, starts
 * an execution named after the run id, follows it with the same live view and summary as
 * local mode, and resolves to k6's exit code.
 */
export async function stackRunCommand(
  scriptPath: string,
  flags: StackRunFlags,
  deps: StackCommandDeps = {},
): Promise<number> {
  const out = deps.stdout ?? process.stdout;
  const err = deps.stderr ?? process.stderr;
  const log = (line: string) => err.write(`${line}\n`);

  const prepared = await prepareStackRun(scriptPath, flags, deps, log);
  if (typeof prepared === 'number') return prepared;
  const { scriptText, runId, s3Key, input } = prepared;

  let stack: FleetStack | undefined;
  try {
    stack = await (deps.connect ?? connectFleetStack)({
      stackName: flags.stack,
      stackRegion: flags.stackRegion,
      env: deps.env,
    });
    await stack.store.put(s3Key, scriptText, 'application/javascript');
    const executionArn = await stack.startExecution(runId, input);
    log(`k6-fleet: run ${runId} started on ${flags.stack} (script ${stack.store.describe(s3Key)})`);
    log(`k6-fleet: execution ${executionConsoleUrl(executionArn)}`);
    if (stack.outputs.grafanaUrl) log(`k6-fleet: dashboards ${stack.outputs.grafanaUrl}`);

    const tty = Boolean(err.isTTY) && !flags.quiet;
    const print = liveViewPrinter(err, tty);
    const end = await followRun({
      stack,
      runId,
      executionArn,
      pollMs: deps.pollMs ?? 2000,
      interrupts: deps.interrupts ?? processInterrupts,
      log,
      onPlan: (plan) => {
        if (flags.quiet) return;
        log(`k6-fleet: ${planAnnouncement(plan)}`);
      },
      onStatus: (status, plan, final) => {
        if (flags.quiet) return;
        const regions = plan?.regions.map((r) => r.name) ?? Object.keys(status.current?.regions ?? {});
        print(renderLiveView(status, regions, tty), final || status.phase === 'finished');
      },
    });

    const { code, message } = stackRunExitCode(end);
    if (end.summary) {
      out.write(`${renderTextSummary(end.summary, { color: Boolean(out.isTTY) })}\n`);
      if (flags.summaryExport) await writeFile(flags.summaryExport, JSON.stringify(end.summary, null, 2));
      const keys = runKeys(runId);
      log(`k6-fleet: report ${stack.store.describe(keys.report)}`);
      log(`k6-fleet: summary ${stack.store.describe(keys.summary)}`);
    }
    if (message) log(`k6-fleet: ${message}`);
    return code;
  } catch (e) {
    return stackCommandError(e, log);
  } finally {
    stack?.close();
  }
}
