import { putJson, type RunStore } from '../../adapters/store/run-store';
import type { IntervalRecord, Plan, RunKeys, RunnerAssignment } from '../../contracts';
import type { MetricsReceiver } from './metrics-receiver';
import type { ProcessStatsSampler } from './process-stats';

/** Numbers a runner's interval records and writes them to the run store in sequence. */
export class IntervalWriter {
  /** Sequence number of the next record. */
  seq = 0;
  /** Start of the next record: the end of the previous one (or the resume). */
  lastFlushAt = Date.now();

  constructor(
    private readonly store: RunStore,
    private readonly keys: RunKeys,
    private readonly plan: Plan,
    private readonly me: RunnerAssignment,
    private readonly stats: ProcessStatsSampler,
    private readonly onInterval?: (rec: IntervalRecord) => Promise<void> | void,
  ) {}

  /** Writes what the receiver gathered since the last flush as the next interval record. */
  async flush(receiver: MetricsReceiver | undefined, always: boolean, final = false): Promise<void> {
    if (!receiver) return;
    const series = receiver.drain();
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
    await putJson(this.store, this.keys.interval(this.me.region, this.me.runnerId, this.seq), rec);
    this.seq++;
    this.lastFlushAt = now;
    await this.onInterval?.(rec);
  }
}
