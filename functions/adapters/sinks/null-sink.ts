import type { IntervalRecord, RollupPoint, ServerWindow, Summary, ThresholdState } from '../../contracts';
import type { MetricsSink, SinkEventInput, SinkStats } from './metrics-sink';

/** `--sink none`: accepts and discards everything (nothing is "dropped": nothing was asked to be kept). */
export class NullSink implements MetricsSink {
  readonly name = 'none';
  async writeIntervals(_records: IntervalRecord[], _testName?: string): Promise<void> {}
  async writeRollup(_runId: string, _testName: string, _point: RollupPoint): Promise<void> {}
  async writeEvent(_runId: string, _testName: string, _ev: SinkEventInput): Promise<void> {}
  async writeThresholds(
    _runId: string,
    _testName: string,
    _at: number,
    _states: ThresholdState[],
  ): Promise<void> {}
  async writeServerWindow(_runId: string, _testName: string, _window: ServerWindow): Promise<void> {}
  async writeSummary(_summary: Summary): Promise<void> {}
  async flush(): Promise<void> {}
  stats(): SinkStats {
    return { written: 0, dropped: 0, retried: 0, spooled: 0 };
  }
}
