import type { IntervalRecord, RollupPoint, ServerWindow, Summary, ThresholdState } from '../../contracts';
import type { EventKind } from './schema';

/** Delivery counts of one sink (Summary.fleet.sinks takes written/dropped). */
export interface SinkStats {
  /** Records (Timestream) / points (InfluxDB) the backend accepted. */
  written: number;
  /** Lost for good and counted: refused as invalid, spool overflow, out of retries. */
  dropped: number;
  /** Re-sent after throttling, a server error or a partial rejection. */
  retried: number;
  /** Waiting in the spool or in flight right now. */
  spooled: number;
}

export interface SinkEventInput {
  at: number;
  kind: EventKind;
  text: string;
  region?: string;
}

/**
 * Where metrics go besides the run store: write-only and pluggable (the control loop
 * never reads it back). Writes return once the data is spooled; delivery, batching and
 * retries happen in the background; flush() waits for it. Implementations never throw
 * on delivery problems: they count them in stats().
 */
export interface MetricsSink {
  readonly name: string;
  /** Runner interval records: per-runner series (k6_series) and process stats (k6_process).
   * Pass the run's testName when known (it becomes the test_name dimension). */
  writeIntervals(records: IntervalRecord[], testName?: string): Promise<void>;
  /** The watcher's global + per-region rollup for one window (k6_rollup). */
  writeRollup(runId: string, testName: string, point: RollupPoint): Promise<void>;
  /** Start / end / abort / anomaly / threshold-crossing events (k6_event), shown as annotations. */
  writeEvent(runId: string, testName: string, ev: SinkEventInput): Promise<void>;
  /** Every threshold's state after a watcher tick (k6_threshold), for the thresholds panel. */
  writeThresholds(runId: string, testName: string, at: number, states: ThresholdState[]): Promise<void>;
  /** The server metrics the controller read in one window (k6_server), one point per series. */
  writeServerWindow(runId: string, testName: string, window: ServerWindow): Promise<void>;
  /** The finished run's whole-run numbers (k6_run), for the history and compare dashboards. */
  writeSummary(summary: Summary): Promise<void>;
  /** A run's state this sink needs across processes (a stateless watcher tick persists it). */
  exportRunState?(runId: string): unknown;
  /** Continues a run from state exportRunState gave (before writing that run's data). */
  importRunState?(runId: string, state: unknown): void;
  /** Delivers everything spooled; what cannot be delivered within the retry budget is dropped and counted. */
  flush(): Promise<void>;
  stats(): SinkStats;
}
