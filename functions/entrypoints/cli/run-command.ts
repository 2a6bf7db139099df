import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createSink } from '../../adapters/sinks/create-sink';
import type { MetricsSink } from '../../adapters/sinks/metrics-sink';
import { parseSinkFlag } from '../../adapters/sinks/sink-flag';
import { ExitCode, type RunInput } from '../../contracts';
import { InvalidInputError } from '../../core/planner/plan-errors';
import { renderTextSummary } from '../../core/summary/text-summary';
import { planAnnouncement, renderLiveView } from '../local/live-view';
import { runLocalFleet } from '../local/run-local';
import { liveViewPrinter } from './live-view-printer';
import { readScript } from './read-script';
import { runInputFromFlags } from './run-input-from-flags';

export interface RunFlags {
  region?: { name: string; weight: number }[];
  runnersPerRegion?: number;
  maxVusPerRunner?: number;
  env?: Record<string, string>;
  tag?: Record<string, string>;
  testName?: string;
  outDir: string;
  summaryExport?: string;
  interval?: number;
  heartbeatTimeout?: number;
  /** --runner-timeout: no local runner process lives longer; a longer test runs as relay
   * windows (none by default locally; on AWS the config's Lambda timeout decides). */
  runnerTimeout?: number;
  /** Metrics sink spec (none | timestream:db/table[@region] | influxdb:url#db | JSON). */
  sink?: string;
  k6Out?: string[];
  quiet?: boolean;
  k6?: string;
  /** Run on the AWS fleet of this control stack instead of locally (see ./aws/stack-run-command). */
  stack?: string;
  /** The control stack's region (with --stack). */
  stackRegion?: string;
  /** --server-metrics: Prometheus endpoints the controller scrapes every window. */
  serverMetrics?: string[];
  /** --server-metrics-optional: a source that fails its probe is a warning, not exit 104. */
  serverMetricsOptional?: boolean;
  /** --baseline / --fail-on-regression: compare the finished run with this one (functions/core/compare). */
  baseline?: string;
  failOnRegression?: boolean;
}

const defaultK6 = () => process.env.K6_FLEET_K6 ?? resolve(import.meta.dirname, '../../../.tools/bin/k6');

/** `k6-fleet run` (local mode, or on a deployed fleet with --stack); resolves to k6's exit code. */
export async function runCommand(scriptPath: string, flags: RunFlags): Promise<number> {
  if (flags.stack && flags.runnerTimeout) {
    process.stderr.write(
      "k6-fleet: --runner-timeout limits local runners; on AWS the runner timeout is the config's runner Lambda timeout — drop --runner-timeout or --stack\n",
    );
    return ExitCode.invalidConfig;
  }
  if (flags.stack) {
    // Loaded only with --stack: local runs never load the CloudFormation and SFN clients.
    const { stackRunCommand } = await import('./aws/stack-run-command');
    return stackRunCommand(scriptPath, { ...flags, stack: flags.stack });
  }
  const err = process.stderr;
  const scriptText = await readScript(scriptPath, (line) => err.write(`${line}\n`));
  if (scriptText === undefined) return ExitCode.invalidConfig;
  const input = runInputFromFlags(scriptPath, { path: resolve(scriptPath) }, flags);
  let sink: MetricsSink | undefined;
  try {
    sink = flags.sink ? createSink(parseSinkFlag(flags.sink)) : undefined;
  } catch (e) {
    err.write(`k6-fleet: ${(e as Error).message}\n`);
    return ExitCode.invalidConfig;
  }
  const ac = new AbortController();
  const stopListening = stopOnInterrupt(ac, err);
  try {
    return await runLocally(input, scriptText, sink, flags, ac.signal);
  } catch (e) {
    if (e instanceof InvalidInputError) {
      err.write(`k6-fleet: ${e.message}\n`);
      return e.exitCode;
    }
    err.write(`k6-fleet: ${(e as Error).stack ?? e}\n`);
    return ExitCode.generic;
  } finally {
    stopListening();
  }
}

/** First Ctrl-C (or SIGTERM) stops every runner cleanly; the second exits at once. */
function stopOnInterrupt(ac: AbortController, err: NodeJS.WriteStream): () => void {
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      err.write('\nk6-fleet: stopping every runner (Ctrl-C again to force)…\n');
      ac.abort();
    } else process.exit(ExitCode.externalAbort);
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  return () => {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  };
}

/** Runs the fleet on this machine with the live view on stderr, then prints the summary. */
async function runLocally(
  input: RunInput,
  scriptText: string,
  sink: MetricsSink | undefined,
  flags: RunFlags,
  signal: AbortSignal,
): Promise<number> {
  const err = process.stderr;
  const tty = Boolean(err.isTTY) && !flags.quiet;
  const print = liveViewPrinter(err, tty);
  const res = await runLocalFleet({
    input,
    scriptText,
    env: input.env ?? {},
    storeRoot: resolve(flags.outDir),
    k6Path: flags.k6 ?? defaultK6(),
    signal,
    extraOutputs: flags.k6Out,
    sink,
    runnerTimeoutSeconds: flags.runnerTimeout,
    onPlan: (plan) => {
      if (!flags.quiet) err.write(`k6-fleet: ${planAnnouncement(plan)}\n`);
    },
    onStatus: (status, plan) => {
      if (flags.quiet) return;
      const regions = plan.regions.map((r) => r.name);
      print(renderLiveView(status, regions, tty), status.phase === 'finished');
    },
  });
  const summary = res.summary;
  process.stdout.write(`${renderTextSummary(summary, { color: Boolean(process.stdout.isTTY) })}\n`);
  if (flags.summaryExport) await writeFile(flags.summaryExport, JSON.stringify(summary, null, 2));
  err.write(`k6-fleet: report ${res.reportPath}\nk6-fleet: summary ${res.summaryPath}\n`);
  return summary.fleet.exitCode;
}
