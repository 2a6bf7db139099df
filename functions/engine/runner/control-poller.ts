import { getJson, type RunStore } from '../../adapters/store/run-store';
import {
  type AbortInfo,
  AbortInfoSchema,
  type Control,
  ControlSchema,
  type Plan,
  runKeys,
} from '../../contracts';

/** Why a runner must stop now, or undefined to carry on. */
export type StopReason =
  | { kind: 'abort'; abort: AbortInfo }
  | { kind: 'heartbeat'; reason: string }
  | { kind: 'deadline'; reason: string };

/**
 * The runner's view of the control channel: control.json (controller: barrier, abort,
 * heartbeat) and abort.json (anyone: CLI, console stop). Missing control counts as a
 * silent controller once heartbeatTimeoutMs has passed since the runner started.
 */
export class ControlPoller {
  control: Control | undefined;
  external: AbortInfo | undefined;
  private readonly keys;

  constructor(
    private readonly store: RunStore,
    private readonly plan: Plan,
    private readonly startedAt: number,
  ) {
    this.keys = runKeys(plan.runId);
  }

  async poll(): Promise<void> {
    const [control, external] = await Promise.all([
      getJson(this.store, this.keys.control, (v) => ControlSchema.parse(v)).catch(() => this.control),
      getJson(this.store, this.keys.abort, (v) => AbortInfoSchema.parse(v)).catch(() => this.external),
    ]);
    this.control = control;
    this.external = external;
  }

  get startAt(): number | undefined {
    return this.control?.startAt;
  }

  stopReason(now: number): StopReason | undefined {
    const abort = this.control?.abort ?? this.external;
    if (abort) return { kind: 'abort', abort };
    const timeout = this.plan.timing.heartbeatTimeoutMs;
    const beat = this.control?.heartbeatAt ?? this.startedAt;
    if (now - beat > timeout) {
      return {
        kind: 'heartbeat',
        reason: `controller silent for ${Math.round((now - beat) / 1000)} s (heartbeat timeout ${timeout / 1000} s)`,
      };
    }
    const startAt = this.startAt;
    if (startAt !== undefined && now > startAt + this.plan.timing.maxRunMs) {
      return {
        kind: 'deadline',
        reason: `past the plan's deadline (${this.plan.timing.maxRunMs / 1000} s after start)`,
      };
    }
    if (startAt === undefined && now > this.plan.createdAt + this.plan.timing.readyTimeoutMs + timeout) {
      return { kind: 'deadline', reason: 'no start barrier was set in time' };
    }
    return undefined;
  }
}
