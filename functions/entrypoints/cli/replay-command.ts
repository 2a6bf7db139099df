import { createSink } from '../../adapters/sinks/create-sink';
import type { MetricsSink } from '../../adapters/sinks/metrics-sink';
import { parseSinkFlag } from '../../adapters/sinks/sink-flag';
import { ExitCode } from '../../contracts';
import { isRunId, RUN_ID_RULE } from '../../contracts/run-id';
import type { FleetStack } from './aws/fleet-stack';
import { stackCommandError } from './aws/stack-command-error';
import { type HistoryStoreFlags, historyStoreFromFlags } from './history-store-from-flags';
import { ReplayRefusal, replayRun } from './replay-run';

export interface ReplayFlags extends HistoryStoreFlags {
  /** The --sink spec (as `k6-fleet run --sink`). */
  sink?: string;
}

export interface ReplayDeps {
  connect?: (o: { stackName: string; stackRegion?: string }) => Promise<FleetStack>;
  stderr?: { write(s: string): unknown };
  env?: Record<string, string | undefined>;
}

/**
 * `k6-fleet replay <runId> --sink <spec> [--out-dir DIR | --stack NAME]`: sends a finished
 * run again to a metrics sink, with the live writes' timestamps and labels. Resolves to 0
 * when the sink took everything, 255 when it dropped some (counted and logged), 104 for
 * input to fix (run id, --sink, unknown or unfinished run).
 */
export async function replayCommand(
  runId: string,
  flags: ReplayFlags,
  deps: ReplayDeps = {},
): Promise<number> {
  const log = (line: string) => (deps.stderr ?? process.stderr).write(`${line}\n`);
  if (!isRunId(runId)) {
    log(`k6-fleet: "${runId}" is not a run id (${RUN_ID_RULE})`);
    return ExitCode.invalidConfig;
  }
  const sink = sinkOf(flags.sink, deps.env, log);
  if (!sink) return ExitCode.invalidConfig;
  let close = () => {};
  try {
    const opened = await historyStoreFromFlags(flags, deps.connect);
    close = opened.close;
    const r = await replayRun(opened.store, runId, sink);
    const d = r.delivery;
    log(
      `k6-fleet: run ${runId} replayed to ${sink.name}: ${r.records} interval records, ${r.rollups} rollup windows, ${r.serverWindows} server windows, ${r.events} events and the run point; ${d.written} written, ${d.dropped} dropped, ${d.retried} retried`,
    );
    if (d.dropped === 0) return ExitCode.ok;
    log(`k6-fleet: the sink dropped ${d.dropped} items (see its log above); fix the cause and replay again`);
    return ExitCode.generic;
  } catch (e) {
    if (e instanceof ReplayRefusal) {
      log(`k6-fleet: ${e.message}`);
      return ExitCode.invalidConfig;
    }
    return stackCommandError(e, log);
  } finally {
    close();
  }
}

function sinkOf(
  spec: string | undefined,
  env: Record<string, string | undefined> | undefined,
  log: (line: string) => void,
): MetricsSink | undefined {
  if (!spec) {
    log(
      'k6-fleet: replay needs --sink <spec> (influxdb:<url>#<db>, prometheus:<url>, timestream:<db>/<table>, or JSON)',
    );
    return undefined;
  }
  try {
    const sink = createSink(parseSinkFlag(spec), { env });
    if (sink.name !== 'none') return sink;
    log('k6-fleet: --sink none: nothing to replay into; name a real sink');
  } catch (e) {
    const msg = (e as Error).message;
    log(`k6-fleet: ${msg.startsWith('--sink') ? msg : `--sink "${spec}": ${msg}`}`);
  }
  return undefined;
}
