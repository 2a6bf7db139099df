import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { K6Process } from '../../adapters/k6/k6-process';
import { K6RestClient, K6Status } from '../../adapters/k6/k6-rest-client';
import { k6RunArgs, k6RunEnv } from '../../adapters/k6/k6-run-args';
import { OtlpReceiver } from '../../adapters/otlp/otlp-receiver';
import { loadPlan } from '../../adapters/store/plan-store';
import { getJson, putJson, type RunStore } from '../../adapters/store/run-store';
import {
  type IntervalRecord,
  KEPT_TAGS,
  type Plan,
  type RunnerAssignment,
  type RunnerResult,
  runKeys,
  SetupDataSchema,
} from '../../contracts';
import { ControlPoller, type StopReason } from './control-poller';
import { freePort } from './free-port';
import { k6EndReason } from './k6-crash-reason';
import { ProcessStatsSampler } from './process-stats';

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
}

/** A stop that ends the runner early with a k6-style exit code and a reason. */
class RunnerFailure extends Error {
  constructor(
    readonly k6ExitCode: number,
    message: string,
  ) {
    super(message);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** Sleeps until an absolute time. A plain timer (~1 ms late when idle): spinning for the
 * last milliseconds looked more precise but starved the other runners sharing the CPUs at
 * exactly the barrier (bench/start-skew.ts). */
async function sleepUntil(at: number): Promise<void> {
  await sleep(at - Date.now());
}

/**
 * One runner's whole life: start k6 paused on its segment, share setup data, resume at
 * the barrier, stream interval records, obey the control channel, stop itself when the
 * controller goes silent or the deadline passes, and write its result.
 */
export async function runRunner(opts: RunRunnerOptions): Promise<RunnerResult> {
  const { store } = opts;
  const startedAt = Date.now();
  const plan = await loadPlan(store, opts.runId);
  const me = plan.runners.find((r) => r.runnerId === opts.runnerId);
  if (!me) throw new Error(`runner ${opts.runnerId} is not in the plan of run ${opts.runId}`);
  const session = new RunnerSession(opts, plan, me, startedAt);
  const result = await session.run();
  await putJson(store, runKeys(plan.runId).result(me.runnerId), result);
  return result;
}

class RunnerSession {
  private readonly keys;
  private readonly control: ControlPoller;
  private receiver: OtlpReceiver | undefined;
  private k6: K6Process | undefined;
  private rest: K6RestClient | undefined;
  private readonly stats: ProcessStatsSampler;
  private seq = 0;
  private resumedAt: number | undefined;
  private resumeTiming: { sentLateMs: number; rttMs: number } | undefined;
  private stopReason: StopReason | undefined;
  private ranSetup = false;
  private ranTeardown = false;
  private lastFlushAt = Date.now();

  constructor(
    private readonly opts: RunRunnerOptions,
    private readonly plan: Plan,
    private readonly me: RunnerAssignment,
    private readonly startedAt: number,
  ) {
    this.keys = runKeys(plan.runId);
    this.control = new ControlPoller(opts.store, plan, startedAt);
    this.stats = new ProcessStatsSampler(() => this.k6?.pid);
  }

  private get isSetupRunner(): boolean {
    return this.plan.setupRunnerId === this.me.runnerId;
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
    await mkdir(this.opts.workDir, { recursive: true });
    const script = await this.opts.store.get(this.plan.script.key);
    if (script === undefined) throw new RunnerFailure(255, `script missing at ${this.plan.script.key}`);
    const scriptPath = join(this.opts.workDir, 'script.js');
    await writeFile(scriptPath, script);
    this.receiver = await OtlpReceiver.start({ keepTags: [...KEPT_TAGS, ...this.plan.extraTagKeys] });
    const restAddress = `127.0.0.1:${await freePort()}`;
    const spec = {
      plan: this.plan,
      runner: this.me,
      scriptPath,
      restAddress,
      otlpEndpoint: this.receiver.endpoint,
      env: this.opts.env,
      otlpExportIntervalMs: this.opts.otlpExportIntervalMs ?? Math.min(1000, this.plan.timing.intervalMs),
      k6Summary: this.opts.k6Summary,
      extraOutputs: this.opts.extraOutputs,
    };
    this.k6 = K6Process.spawn(
      this.opts.k6Path,
      k6RunArgs(spec),
      k6RunEnv(spec, process.env),
      this.opts.workDir,
    );
    this.rest = new K6RestClient(restAddress);
    // k6 is ready once its REST API answers with the test paused before run.
    const deadline = this.startedAt + this.plan.timing.readyTimeoutMs;
    let nextPoll = 0;
    for (;;) {
      if (this.k6.exit) throw this.k6Died('during init');
      const st = await this.rest.status().catch(() => undefined);
      if (st && st.status >= K6Status.pausedBeforeRun) return;
      if (Date.now() >= nextPoll) {
        nextPoll = Date.now() + this.plan.timing.controlPollMs;
        await this.checkStop();
      }
      if (Date.now() > deadline)
        throw new RunnerFailure(
          255,
          `k6 did not initialise within ${this.plan.timing.readyTimeoutMs / 1000} s`,
        );
      await sleep(50);
    }
  }

  private k6Died(when: string): RunnerFailure {
    const code = this.k6?.exitCode() ?? 255;
    const what = this.k6 ? k6EndReason(this.k6, this.stats) : `k6 exited with code ${code}`;
    return new RunnerFailure(code, `${what} ${when}`);
  }

  /** Polls control; throws when the run must stop before load has started. */
  private async checkStop(): Promise<void> {
    await this.control.poll();
    const reason = this.hostStop() ?? this.control.stopReason(Date.now());
    if (reason) {
      this.stopReason = reason;
      throw new RunnerFailure(reason.kind === 'abort' ? 103 : 105, describeStop(reason));
    }
  }

  private hostStop(): StopReason | undefined {
    if (!this.opts.signal?.aborted) return undefined;
    return {
      kind: 'abort',
      abort: { source: 'interrupt', reason: 'runner interrupted by its host', at: Date.now() },
    };
  }

  private async shareSetupData(): Promise<void> {
    if (!this.plan.script.hasSetup) return;
    const rest = this.rest!;
    if (this.isSetupRunner) {
      const data = await rest.runSetup(120_000).catch((e: Error) => {
        throw new RunnerFailure(107, `setup() failed: ${e.message}`);
      });
      this.ranSetup = true;
      await putJson(this.opts.store, this.keys.setupData, {
        runnerId: this.me.runnerId,
        at: Date.now(),
        data,
      });
      return;
    }
    for (;;) {
      const shared = await getJson(this.opts.store, this.keys.setupData, (v) => SetupDataSchema.parse(v));
      if (shared) {
        await rest.putSetupData(shared.data);
        return;
      }
      if (this.k6!.exit) throw this.k6Died('while waiting for setup data');
      await this.checkStop();
      await sleep(this.plan.timing.controlPollMs / 2);
    }
  }

  private async markReady(): Promise<void> {
    const st = await this.rest!.status();
    await putJson(this.opts.store, this.keys.ready(this.me.runnerId), {
      runnerId: this.me.runnerId,
      at: Date.now(),
      initMs: Date.now() - this.startedAt,
      vusAllocated: st['vus-max'],
    });
  }

  private async waitForBarrier(): Promise<void> {
    for (;;) {
      await this.checkStop();
      const startAt = this.control.startAt;
      if (startAt !== undefined) {
        await sleepUntil(startAt);
        return;
      }
      if (this.k6!.exit) throw this.k6Died('while waiting for the start');
      await this.flushInterval(false);
      // Polls at half the control period: the barrier is startLeadMs ahead, far more than that.
      await sleep(this.plan.timing.controlPollMs / 2);
    }
  }

  private async resume(): Promise<void> {
    const sent = Date.now();
    await this.rest!.resume();
    // Half the round trip on loopback is when k6 saw the command.
    const answered = Date.now();
    this.resumedAt = Math.round((sent + answered) / 2);
    this.resumeTiming = { sentLateMs: sent - (this.control.startAt ?? sent), rttMs: answered - sent };
    this.lastFlushAt = this.resumedAt;
  }

  private async streamUntilDone(): Promise<void> {
    const rest = this.rest!;
    let nextPoll = 0;
    for (;;) {
      const now = Date.now();
      if (now >= this.lastFlushAt + this.plan.timing.intervalMs) await this.flushInterval(true);
      if (now >= nextPoll) {
        nextPoll = now + this.plan.timing.controlPollMs;
        if (this.k6!.exit) return;
        const st = await rest.status().catch(() => undefined);
        if (st && st.status >= K6Status.ended) return;
        if (!this.stopReason) {
          await this.control.poll();
          const reason = this.hostStop() ?? this.control.stopReason(Date.now());
          if (reason) {
            this.stopReason = reason;
            await rest.stop().catch(() => this.k6!.terminate('SIGTERM'));
          }
        }
      }
      await sleep(Math.min(100, this.plan.timing.controlPollMs));
    }
  }

  /** teardown() runs once, on the setup runner, after every other runner has finished. */
  private async teardownWhenLast(): Promise<void> {
    if (!this.isSetupRunner || !this.plan.script.hasTeardown || this.k6!.exit) return;
    const others = this.plan.runners.filter((r) => r.runnerId !== this.me.runnerId);
    for (;;) {
      const done = new Set(
        (await this.opts.store.list(this.keys.resultsPrefix)).map((k) => k.split('/').pop()),
      );
      if (others.every((r) => done.has(`${r.runnerId}.json`))) break;
      await this.control.poll();
      const reason = this.hostStop() ?? this.control.stopReason(Date.now());
      // On abort or a silent controller teardown still runs: it cleans up what setup made.
      if (reason && reason.kind !== 'abort') break;
      await this.flushInterval(true);
      await sleep(this.plan.timing.controlPollMs);
    }
    let error: string | undefined;
    try {
      await this.rest!.runTeardown(60_000);
      this.ranTeardown = true;
    } catch (e) {
      error = (e as Error).message;
    }
    await putJson(this.opts.store, this.keys.teardownDone, {
      runnerId: this.me.runnerId,
      at: Date.now(),
      ok: this.ranTeardown,
      error,
    });
  }

  private async finish(): Promise<RunnerResult> {
    const k6 = this.k6!;
    const k6Metrics = await this.rest!.metrics().catch(() => undefined);
    // SIGINT ends the lingering k6; it flushes its outputs on the way out.
    await k6.terminate('SIGINT', 15_000);
    await this.flushInterval(true, true);
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
    await this.flushInterval(true, true).catch(() => undefined);
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
    const startAt = this.control.startAt;
    return {
      runnerId: this.me.runnerId,
      region: this.me.region,
      ...r,
      resumedAt: this.resumedAt,
      startOffsetMs:
        this.resumedAt !== undefined && startAt !== undefined ? this.resumedAt - startAt : undefined,
      endedAt: Date.now(),
      lastSeq: this.seq - 1,
      peakRssBytes: this.stats.peakRssBytes,
      peakK6RssBytes: this.stats.peakK6RssBytes || undefined,
      resumeSentLateMs: this.resumeTiming?.sentLateMs,
      resumeRttMs: this.resumeTiming?.rttMs,
      ranSetup: this.ranSetup,
      ranTeardown: this.ranTeardown,
    };
  }

  /** Writes what the receiver gathered since the last flush as the next interval record. */
  private async flushInterval(always: boolean, final = false): Promise<void> {
    if (!this.receiver) return;
    const series = this.receiver.drain();
    if (!always && series.length === 0) return;
    const now = Date.now();
    const rec: IntervalRecord = {
      v: 1,
      runId: this.plan.runId,
      region: this.me.region,
      runnerId: this.me.runnerId,
      seq: this.seq,
      startMs: this.lastFlushAt,
      endMs: now,
      series,
      process: await this.stats.sample(),
      ...(final ? { final: true } : {}),
    };
    await putJson(this.opts.store, this.keys.interval(this.me.region, this.me.runnerId, this.seq), rec);
    this.seq++;
    this.lastFlushAt = now;
    await this.opts.onInterval?.(rec);
  }
}

function describeStop(s: StopReason): string {
  if (s.kind === 'abort') return `aborted (${s.abort.source}): ${s.abort.reason}`;
  return `stopped itself: ${s.reason}`;
}
