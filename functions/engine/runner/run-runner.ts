import { chooseMetricsOutput } from '../../adapters/k6/k6-fleet-output-check';
import type { K6Process } from '../../adapters/k6/k6-process';
import { type K6RestClient, K6Status } from '../../adapters/k6/k6-rest-client';
import { loadPlan } from '../../adapters/store/plan-store';
import type { RunStore } from '../../adapters/store/run-store';
import {
  type IntervalRecord,
  type MetricsOutputKind,
  type Plan,
  type RunnerAssignment,
  type RunnerResult,
  runKeys,
} from '../../contracts';
import { ControlPoller, type StopReason } from './control-poller';
import { IntervalWriter } from './interval-writer';
import { k6EndReason } from './k6-crash-reason';
import { spawnK6, waitForK6Paused, writeRunnerScript } from './k6-launch';
import { type MetricsReceiver, startMetricsReceiver } from './metrics-receiver';
import { ProcessStatsSampler } from './process-stats';
import { WindowHandover, type WindowPlace, windowPlace, writeWindowScript } from './relay-window';
import { claimRunnerStart } from './runner-claim';
import { describeStop, hostStop, RunnerFailure, sleep } from './runner-failure';
import { writeRunnerResults } from './runner-results';
import { type ScriptHookContext, shareSetupData, teardownWhenLast } from './shared-setup-teardown';
import { markReady, waitForBoundary } from './start-barrier';

export interface RunRunnerOptions {
  store: RunStore;
  runId: string;
  runnerId: string;
  /** Script env var values (never stored). */
  env: Record<string, string>;
  k6Path: string;
  workDir: string;
  /** Aborts from the host (Ctrl-C, Lambda timeout guard): stop k6 cleanly. */
  signal?: AbortSignal;
  /** Called for each interval record written (sinks, logs). */
  onInterval?: (rec: IntervalRecord) => Promise<void> | void;
  otlpExportIntervalMs?: number;
  k6Summary?: boolean;
  /** Extra k6 outputs (see K6RunSpec.extraOutputs). */
  extraOutputs?: string[];
  /** How k6's metrics reach the runner: `fleet` (k6-fleet's k6 output, cheap per sample),
   * `otlp` (k6's OpenTelemetry output), or `auto`: fleet when this k6 has it compiled in
   * (scripts/build-k6.sh builds it so; a release-tarball k6 does not). @default 'auto' */
  metricsOutput?: MetricsOutputKind | 'auto';
  /** Which window of the runner's share this invocation runs. @default 0 */
  window?: number;
  /** Who this invocation is, in the start claim (the Lambda request id). @default host:pid */
  invocation?: string;
}

/**
 * One runner's whole life: start k6 paused on its segment, share setup data, resume at
 * the barrier, stream interval records, obey the control channel, stop itself when the
 * controller goes silent or the deadline passes, and write its result. A second start of
 * the same runner throws DuplicateStartError before anything runs.
 */
export async function runRunner(opts: RunRunnerOptions): Promise<RunnerResult> {
  const { store } = opts;
  const startedAt = Date.now();
  const plan = await loadPlan(store, opts.runId);
  const me = plan.runners.find((r) => r.runnerId === opts.runnerId);
  if (!me) throw new Error(`runner ${opts.runnerId} is not in the plan of run ${opts.runId}`);
  // At most one k6 per (run, runner, window): a duplicate start throws DuplicateStartError.
  await claimRunnerStart(store, {
    runId: plan.runId,
    runnerId: me.runnerId,
    window: opts.window ?? 0,
    invocation: opts.invocation,
  });
  const place = windowPlace(plan, opts.window ?? 0);
  const session = new RunnerSession(opts, plan, me, startedAt, place);
  const result = await session.run();
  await writeRunnerResults(store, plan, place, result, session.windowFacts());
  return result;
}

class RunnerSession {
  private readonly keys;
  private readonly control: ControlPoller;
  private receiver: MetricsReceiver | undefined;
  private k6: K6Process | undefined;
  private rest: K6RestClient | undefined;
  private readonly stats: ProcessStatsSampler;
  private readonly intervals: IntervalWriter;
  private resumedAt: number | undefined;
  private resumeTiming: { sentLateMs: number; rttMs: number } | undefined;
  private stopReason: StopReason | undefined;
  private ranSetup = false;
  private ranTeardown = false;
  private readonly handover: WindowHandover;

  constructor(
    private readonly opts: RunRunnerOptions,
    private readonly plan: Plan,
    private readonly me: RunnerAssignment,
    private readonly startedAt: number,
    private readonly place: WindowPlace,
  ) {
    this.handover = new WindowHandover(place, plan, opts.store, runKeys(plan.runId), me);
    this.keys = runKeys(plan.runId);
    this.control = new ControlPoller(opts.store, plan, startedAt);
    this.stats = new ProcessStatsSampler(() => this.k6?.pid);
    this.intervals = new IntervalWriter(opts.store, this.keys, plan, me, this.stats, opts.onInterval);
  }

  async run(): Promise<RunnerResult> {
    try {
      await this.start();
      await this.shareSetupData();
      await this.markReady();
      await this.waitForBarrier();
      await this.resume();
      await this.streamUntilDone();
      await this.teardownWhenLast();
      return await this.finish();
    } catch (e) {
      return await this.fail(e);
    } finally {
      await this.k6?.terminate('SIGKILL', 1000).catch(() => undefined);
      await this.receiver?.stop().catch(() => undefined);
    }
  }

  private async start(): Promise<void> {
    const mainPath = await writeRunnerScript(this.opts, this.plan);
    const w = this.place.relay;
    const scriptPath = w
      ? await writeWindowScript(mainPath, (await this.opts.store.get(this.plan.script.key)) ?? '', w)
      : mainPath;
    const output = await chooseMetricsOutput(this.opts.k6Path, this.opts.metricsOutput);
    this.receiver = await startMetricsReceiver(output, this.plan);
    const { k6, rest } = await spawnK6(this.opts, this.plan, this.me, scriptPath, this.receiver);
    this.k6 = k6;
    this.rest = rest;
    await waitForK6Paused(k6, rest, this.stats, this.plan, this.startedAt, () => this.checkStop());
  }

  /** Polls control; throws when the run must stop before load has started. */
  private async checkStop(): Promise<void> {
    await this.control.poll();
    const reason = hostStop(this.opts.signal) ?? this.control.stopReason(Date.now());
    if (reason) {
      this.stopReason = reason;
      throw new RunnerFailure(reason.kind === 'abort' ? 103 : 105, describeStop(reason));
    }
  }

  private hookContext(): ScriptHookContext {
    return {
      store: this.opts.store,
      keys: this.keys,
      plan: this.plan,
      me: this.me,
      k6: this.k6!,
      stats: this.stats,
      rest: this.rest!,
      control: this.control,
      place: this.place,
      signal: this.opts.signal,
      checkStop: () => this.checkStop(),
      flushInterval: () => this.flushInterval(true),
    };
  }

  private async shareSetupData(): Promise<void> {
    await shareSetupData(this.hookContext(), () => {
      this.ranSetup = true;
    });
  }

  private async markReady(): Promise<void> {
    await markReady(this.hookContext(), this.startedAt);
  }

  private async waitForBarrier(): Promise<void> {
    await waitForBoundary(
      this.hookContext(),
      () => this.boundaryAt(),
      () => this.flushInterval(false),
    );
  }

  private async resume(): Promise<void> {
    const sent = Date.now();
    await this.rest!.resume();
    // Half the round trip on loopback is when k6 saw the command.
    const answered = Date.now();
    this.resumedAt = Math.round((sent + answered) / 2);
    this.resumeTiming = { sentLateMs: sent - (this.boundaryAt() ?? sent), rttMs: answered - sent };
    this.intervals.lastFlushAt = this.resumedAt;
  }

  private async streamUntilDone(): Promise<void> {
    const rest = this.rest!;
    let nextPoll = 0;
    for (;;) {
      const now = Date.now();
      if (now >= this.intervals.lastFlushAt + this.plan.timing.intervalMs) await this.flushInterval(true);
      if (now >= nextPoll) {
        nextPoll = now + this.plan.timing.controlPollMs;
        if (this.k6!.exit) return;
        const st = await rest.status().catch(() => undefined);
        if (st && st.status >= K6Status.ended) return;
        if (!this.stopReason) {
          await this.control.poll();
          const reason = hostStop(this.opts.signal) ?? this.control.stopReason(Date.now());
          if (reason) {
            this.stopReason = reason;
            await rest.stop().catch(() => this.k6!.terminate('SIGTERM'));
          }
        }
      }
      await sleep(Math.min(100, this.plan.timing.controlPollMs));
    }
  }

  private async teardownWhenLast(): Promise<void> {
    await teardownWhenLast(this.hookContext(), () => {
      this.ranTeardown = true;
    });
  }

  private async finish(): Promise<RunnerResult> {
    const k6 = this.k6!;
    const k6Metrics = await this.rest!.metrics().catch(() => undefined);
    // SIGINT ends the lingering k6; it flushes its outputs on the way out.
    await k6.terminate('SIGINT', 15_000);
    await this.flushInterval(true, this.place.last);
    const code = k6.exitCode();
    const stopped = this.stopReason;
    let outcome: RunnerResult['outcome'] = 'finished';
    if (stopped?.kind === 'abort') outcome = 'aborted';
    else if (stopped) outcome = 'self-stopped';
    else if (code !== 0) outcome = 'failed';
    return this.result({
      outcome,
      k6ExitCode: code,
      reason: stopped ? describeStop(stopped) : code !== 0 ? k6EndReason(k6, this.stats) : undefined,
      stderrTail: code !== 0 && code !== 103 ? k6.stderrTail() : undefined,
      k6Metrics: k6Metrics && Object.keys(k6Metrics).length ? k6Metrics : undefined,
    });
  }

  private async fail(e: unknown): Promise<RunnerResult> {
    const failure =
      e instanceof RunnerFailure ? e : new RunnerFailure(255, (e as Error).message ?? String(e));
    await this.k6?.terminate('SIGINT', 5000).catch(() => undefined);
    await this.flushInterval(true, this.place.last).catch(() => undefined);
    const stopped = this.stopReason;
    return this.result({
      outcome: stopped ? (stopped.kind === 'abort' ? 'aborted' : 'self-stopped') : 'failed',
      // The failure's own code (107 for setup(), k6's code when k6 died), not the SIGINT we sent.
      k6ExitCode: failure.k6ExitCode,
      reason: failure.message,
      stderrTail: this.k6?.stderrTail() || undefined,
    });
  }

  private result(
    r: Pick<RunnerResult, 'outcome' | 'k6ExitCode' | 'reason' | 'stderrTail' | 'k6Metrics'>,
  ): RunnerResult {
    const boundaryAt = this.boundaryAt();
    return {
      runnerId: this.me.runnerId,
      region: this.me.region,
      ...r,
      resumedAt: this.resumedAt,
      // Against this window's boundary (the barrier for the first window).
      startOffsetMs:
        this.resumedAt !== undefined && boundaryAt !== undefined ? this.resumedAt - boundaryAt : undefined,
      endedAt: Date.now(),
      lastSeq: this.intervals.seq - 1,
      peakRssBytes: this.stats.peakRssBytes,
      peakK6RssBytes: this.stats.peakK6RssBytes || undefined,
      resumeSentLateMs: this.resumeTiming?.sentLateMs,
      resumeRttMs: this.resumeTiming?.rttMs,
      ranSetup: this.ranSetup,
      ranTeardown: this.ranTeardown,
      metricsOutput: this.receiver?.kind,
    };
  }

  /** When this window's load starts: the barrier plus the window's place on the timeline. */
  private boundaryAt(): number | undefined {
    return this.handover.boundaryAt(this.control.startAt);
  }

  private async flushInterval(always: boolean, final = false): Promise<void> {
    if (!(await this.handover.readyToFlush(this.resumedAt !== undefined, this.intervals))) return;
    await this.intervals.flush(this.receiver, always, final);
  }

  /** What the window result records beside the runner result. */
  windowFacts(): { boundaryAt: number | undefined; firstSeq: number } {
    return { boundaryAt: this.boundaryAt(), firstSeq: this.handover.firstSeq };
  }
}
