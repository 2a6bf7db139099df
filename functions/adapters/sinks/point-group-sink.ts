import type { IntervalRecord, RollupPoint, ServerWindow, Summary, ThresholdState } from '../../contracts';
import type { DeliveryQueue } from './delivery-queue';
import type { MetricsSink, SinkEventInput, SinkStats } from './metrics-sink';
import {
  eventPoints,
  intervalPoints,
  type PointGroup,
  rollupPoints,
  runSummaryPoints,
  serverPoints,
  thresholdPoints,
} from './sink-points';

/**
 * What every sink shares: each write becomes point groups (sink-points.ts, from the one
 * schema) queued for delivery. A backend only says how it encodes and enqueues a group.
 */
export abstract class PointGroupSink<Item> implements MetricsSink {
  abstract readonly name: string;
  protected abstract readonly queue: DeliveryQueue<Item>;
  protected abstract enqueue(group: PointGroup): void;

  async writeIntervals(records: IntervalRecord[], testName?: string): Promise<void> {
    for (const rec of records) this.enqueue(intervalPoints(rec, testName));
  }

  async writeRollup(runId: string, testName: string, point: RollupPoint): Promise<void> {
    this.enqueue(rollupPoints(runId, testName, point));
  }

  async writeEvent(runId: string, testName: string, ev: SinkEventInput): Promise<void> {
    this.enqueue(eventPoints(runId, testName, ev));
  }

  async writeThresholds(
    runId: string,
    testName: string,
    at: number,
    states: ThresholdState[],
  ): Promise<void> {
    if (states.length > 0) this.enqueue(thresholdPoints(runId, testName, at, states));
  }

  async writeServerWindow(runId: string, testName: string, window: ServerWindow): Promise<void> {
    if (window.samples.length > 0) this.enqueue(serverPoints(runId, testName, window));
  }

  async writeSummary(summary: Summary): Promise<void> {
    this.enqueue(runSummaryPoints(summary));
  }

  flush(): Promise<void> {
    return this.queue.flush();
  }

  stats(): SinkStats {
    return this.queue.stats();
  }
}
