import { processCpu, treeCpu } from './cpu-meter';

/** One snapshot of a measurement: cumulative requests and CPU ms per process group. */
export interface LoadSample {
  at: number;
  requests: number;
  /** Load generator tree by command name (`k6`, `node` for a runner process). */
  generator: Map<string, number>;
  target: number;
  bench: number;
}

/** Rates over the steady part of the load phase (ramp-up and wind-down trimmed). */
export interface SteadyWindow {
  seconds: number;
  requests: number;
  /** CPU ms spent in the window per group. */
  k6CpuMs: number;
  runnerCpuMs: number;
  targetCpuMs: number;
  benchCpuMs: number;
}

/**
 * Samples the target's request count and the CPU of every process involved every
 * periodMs, so costs can be read over the steady load phase alone — without k6's init,
 * a runner's Node start-up or the finalizer, which are fixed costs, not per-request ones.
 */
export class LoadSampler {
  readonly samples: LoadSample[] = [];
  private readonly timer: NodeJS.Timeout;
  private busy: Promise<void> | undefined;
  private readonly lastGenerator = new Map<number, { cpuMs: number; comm: string }>();

  constructor(
    private readonly generatorRoots: () => number[],
    private readonly targetPid: number,
    private readonly targetRequests: () => Promise<number>,
    periodMs = 250,
  ) {
    this.timer = setInterval(() => {
      this.busy ??= this.sample().finally(() => {
        this.busy = undefined;
      });
    }, periodMs);
  }

  private async sample(): Promise<void> {
    const requests = await this.targetRequests();
    await treeCpu(this.generatorRoots(), this.lastGenerator);
    const generator = new Map<string, number>();
    for (const { cpuMs, comm } of this.lastGenerator.values())
      generator.set(comm, (generator.get(comm) ?? 0) + cpuMs);
    const self = process.cpuUsage();
    this.samples.push({
      at: performance.now(),
      requests,
      generator,
      target: (await processCpu(this.targetPid))?.cpuMs ?? 0,
      bench: (self.user + self.system) / 1000,
    });
  }

  /** Stops sampling, after one last sample. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.busy;
    await this.sample();
  }

  /** First and last sample (cumulative totals over the whole measurement). */
  totals(): { first: LoadSample; last: LoadSample } {
    return { first: this.samples[0]!, last: this.samples[this.samples.length - 1]! };
  }

  /**
   * The load phase runs from the first sample with requests to the first sample at the
   * final count; trimMs is cut from both ends. Undefined when too short to measure.
   */
  steady(trimMs = 1000): SteadyWindow | undefined {
    const s = this.samples;
    const finalCount = s[s.length - 1]?.requests ?? 0;
    const startIdx = s.findIndex((x) => x.requests > 0);
    const endIdx = s.findIndex((x) => x.requests >= finalCount);
    if (startIdx < 0 || endIdx <= startIdx) return undefined;
    const from = s.findIndex((x, i) => i >= startIdx && x.at >= s[startIdx]!.at + trimMs);
    let to = endIdx;
    while (to > from && s[to]!.at > s[endIdx]!.at - trimMs) to--;
    if (from < 0 || to <= from) return undefined;
    const a = s[from]!;
    const b = s[to]!;
    const gen = (x: LoadSample, k6: boolean) =>
      [...x.generator].filter(([comm]) => (comm === 'k6') === k6).reduce((sum, [, v]) => sum + v, 0);
    return {
      seconds: (b.at - a.at) / 1000,
      requests: b.requests - a.requests,
      k6CpuMs: gen(b, true) - gen(a, true),
      runnerCpuMs: gen(b, false) - gen(a, false),
      targetCpuMs: b.target - a.target,
      benchCpuMs: b.bench - a.bench,
    };
  }
}
