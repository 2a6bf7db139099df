import { Command, InvalidArgumentError, Option } from 'commander';
import {
  parseKeyValue,
  parsePositiveInt,
  parsePositiveNumber,
  parseRegion,
} from '../functions/entrypoints/cli/parse-flags';
import { runCommand } from '../functions/entrypoints/cli/run-command';

const program = new Command()
  .name('k6-fleet')
  .description('Run one k6 test across a fleet of runners in several regions, judged as one run.')
  .showHelpAfterError()
  // k6's exit code for invalid config/flags.
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 104));

program
  .command('run')
  .description('plan, run and judge a k6 script as one fleet run (local mode unless --stack is given)')
  .argument('<script>', 'k6 script (.js)')
  .option(
    '--region <name=weight>',
    'a region and its share in percent, repeatable; weights sum to 100',
    parseRegion,
  )
  .addOption(
    new Option('--runners-per-region <n>', 'runners in each region')
      .argParser(parsePositiveInt)
      .conflicts('maxVusPerRunner'),
  )
  .option(
    '--max-vus-per-runner <n>',
    'cap on VUs per runner; adds runners as needed (default 900)',
    parsePositiveInt,
  )
  .option('-e, --env <key=value>', 'script env var (__ENV), repeatable; never stored', parseKeyValue)
  .option('--tag <key=value>', 'tag on every metric, repeatable', parseKeyValue)
  .option('--test-name <name>', 'groups runs for history (default: script file name)')
  .option('--interval <seconds>', 'interval record period (default 2)', parsePositiveNumber)
  .option(
    '--heartbeat-timeout <seconds>',
    'runners stop themselves when the controller is silent this long (default 30)',
    parsePositiveNumber,
  )
  .option(
    '--runner-timeout <seconds>',
    'no runner process lives longer; a longer test runs as consecutive relay windows (default: none locally)',
    parsePositiveInt,
  )
  .option(
    '--k6-out <uri>',
    'extra k6 output on every runner (e.g. json=samples.json, in its work dir), repeatable',
    (v: string, p: string[] = []) => [...p, v],
  )
  .option(
    '--sink <spec>',
    'metrics sink: none | timestream:<db>/<table>[@region] | influxdb:<url>#<db> | prometheus:<remote-write url> | JSON (default none)',
  )
  .option(
    '--server-metrics <url>',
    "a Prometheus /metrics endpoint the controller scrapes every interval and correlates with k6's latency, errors and request rate, repeatable; probed once before the load (exit 104 when it cannot be read)",
    (v: string, p: string[] = []) => [...p, v],
  )
  .option(
    '--server-metrics-optional',
    'run even when a --server-metrics endpoint fails its probe (its failures are counted)',
  )
  .option(
    '--baseline <run>',
    'compare the finished run with a run id, or baseline | previous | previous-passed of the same test (summary, report); checked before the load',
  )
  .option('--fail-on-regression', 'with --baseline: a fail verdict of the comparison exits 99')
  .option('--out-dir <dir>', 'local run store folder', '.k6-fleet')
  .option('--summary-export <file>', 'write summary.json (k6 handleSummary shape + fleet fields) here')
  .option('-q, --quiet', 'no live view')
  .option('--k6 <path>', 'k6 binary (default: the pinned one in .tools/bin)')
  .option(
    '--stack <name>',
    'run on the AWS fleet of this control stack (CloudFormation name, e.g. k6-fleet-control): uploads the script, starts the state machine, follows it',
  )
  .option(
    '--stack-region <region>',
    "the control stack's region (default: AWS_REGION, AWS_DEFAULT_REGION or your AWS profile)",
  )
  .option('--dry-run', 'print the plan and its estimated AWS cost; start nothing')
  .action(async (script: string, flags) => {
    if (flags.dryRun) {
      const { dryRunCommand } = await import('../functions/entrypoints/cli/dry-run-command');
      process.exitCode = await dryRunCommand(script, flags);
      return;
    }
    process.exitCode = await runCommand(script, flags);
  });

const parseWaitSeconds = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected seconds ≥ 0, got "${value}"`);
  return n;
};

program
  .command('abort')
  .description(
    'stop a run on the AWS fleet: every runner stops within seconds; the execution ends with its summary, or is stopped after --wait',
  )
  .argument('<runId>', 'the run id (the execution name)')
  .requiredOption('--stack <name>', "the fleet's control stack (CloudFormation name, e.g. k6-fleet-control)")
  .option(
    '--stack-region <region>',
    "the control stack's region (default: AWS_REGION, AWS_DEFAULT_REGION or your AWS profile)",
  )
  .option('--reason <text>', 'why; shown in the summary and the report')
  .option(
    '--wait <seconds>',
    'let the run end on its own this long (summary + report) before stopping the execution; 0 stops it at once',
    parseWaitSeconds,
    60,
  )
  .action(async (runId: string, flags) => {
    const { stackAbortCommand } = await import('../functions/entrypoints/cli/aws/stack-abort-command');
    process.exitCode = await stackAbortCommand(runId, flags);
  });

program
  .command('finalize')
  .description(
    "write the summary, report and history line of a run whose controller died, from its runners' intervals and results (marked fleet.finalizedLate)",
  )
  .argument('<runId>', 'the run id')
  .option('--out-dir <dir>', 'local run store folder (default .k6-fleet)')
  .option('--stack <name>', "an AWS run: the fleet's control stack (CloudFormation name)")
  .option(
    '--stack-region <region>',
    "the control stack's region (default: AWS_REGION, AWS_DEFAULT_REGION or your AWS profile)",
  )
  .option('-q, --quiet', 'no text summary')
  .action(async (runId: string, flags) => {
    const { finalizeCommand } = await import('../functions/entrypoints/cli/finalize-command');
    process.exitCode = await finalizeCommand(runId, flags);
  });

const stackOptions = (c: Command) =>
  c
    .option('--out-dir <dir>', 'local run store folder', '.k6-fleet')
    .option('--stack <name>', 'read the run store of this control stack (S3) instead of the local folder')
    .option(
      '--stack-region <region>',
      "the control stack's region (default: AWS_REGION, AWS_DEFAULT_REGION or your AWS profile)",
    );

stackOptions(
  program
    .command('history')
    .description(
      'the runs of a test, oldest first: verdict, requests, req/s, p50/p95/p99, errors; trends and change points',
    )
    .argument('<testName>', 'the test name (--test-name of run; default the script file name)'),
)
  .option('--last <n>', 'only the newest N runs', parsePositiveInt)
  .option('--skip <n>', 'skip the newest N runs first (page back)', parsePositiveInt)
  .option('--regions', 'a line per region under each run')
  .option('--json <file>', 'write { testName, runs, changePoints } here')
  .action(async (testName: string, flags) => {
    const { historyCommand } = await import('../functions/entrypoints/cli/history-command');
    process.exitCode = await historyCommand(testName, flags);
  });

stackOptions(
  program
    .command('compare')
    .description(
      'compare a run with a baseline run per metric, region and scenario: exit 0 no regression, 99 regression, 104 unknown or incomparable runs',
    )
    .argument('<baseline>', 'baseline run id, or baseline | previous | previous-passed')
    .argument('<runId>', 'the run to judge'),
)
  .option(
    '--json <file>',
    'write { verdict, metrics: [{ metric, stat, region, baseline, current, changePct, pValue, classification }] } here',
  )
  .option('--force', 'compare runs of different tests')
  .option('--all', 'print every row (default: fleet rows and rows that do not pass)')
  .action(async (baseline: string, runId: string, flags) => {
    const { compareCommand } = await import('../functions/entrypoints/cli/compare-command');
    process.exitCode = await compareCommand(baseline, runId, flags);
  });

stackOptions(
  program
    .command('baseline')
    .description("mark a run as its test's baseline (run --baseline baseline, compare baseline <runId>)")
    .argument('<runId>', 'the run id'),
).action(async (runId: string, flags) => {
  const { baselineCommand } = await import('../functions/entrypoints/cli/baseline-command');
  process.exitCode = await baselineCommand(runId, flags);
});

stackOptions(
  program
    .command('replay')
    .description(
      'send a finished run again to a metrics sink (intervals, rollups, events, run point) with the live timestamps and labels: fills what an outage lost without double counting',
    )
    .argument('<runId>', 'the run id'),
)
  .requiredOption(
    '--sink <spec>',
    'timestream:<db>/<table>[@region] | influxdb:<url>#<db> | prometheus:<remote-write url> | JSON',
  )
  .action(async (runId: string, flags) => {
    const { replayCommand } = await import('../functions/entrypoints/cli/replay-command');
    process.exitCode = await replayCommand(runId, flags);
  });

await program.parseAsync(process.argv);
