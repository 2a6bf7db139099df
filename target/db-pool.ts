/** A release function: hands the connection back (to the next waiter, if any). Idempotent. */
export type Release = () => void;

/** Point-in-time view of the simulated database pool, as /metrics exposes it. */
export interface PoolSnapshot {
  readonly size: number;
  readonly inUse: number;
  readonly waiting: number;
  /** Connections handed out since start (a counter). */
  readonly acquiredTotal: number;
  /** Requests turned away because the wait queue was full (a counter). */
  readonly rejectedTotal: number;
  /** Seconds spent waiting for a connection, summed over every acquire (a counter). */
  readonly waitSecondsTotal: number;
}

/**
 * A bounded connection pool that queues when exhausted, as a real client pool
 * (pg-pool, HikariCP) does: `size` connections, FIFO waiters, and a cap on the queue so
 * an overload ends in fast refusals instead of unbounded memory.
 */
export class ConnectionPool {
  private inUse = 0;
  private readonly waiters: { readonly since: number; readonly grant: (release: Release) => void }[] = [];
  private acquiredTotal = 0;
  private rejectedTotal = 0;
  private waitMsTotal = 0;

  constructor(
    readonly size: number,
    readonly maxWaiting: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * Calls `grant` with a release function once a connection is free (at once when one is).
   * Returns false — and never calls `grant` — when the wait queue is full.
   */
  acquire(grant: (release: Release) => void): boolean {
    if (this.inUse < this.size) {
      this.inUse++;
      this.acquiredTotal++;
      grant(this.releaser());
      return true;
    }
    if (this.waiters.length >= this.maxWaiting) {
      this.rejectedTotal++;
      return false;
    }
    this.waiters.push({ since: this.now(), grant });
    return true;
  }

  snapshot(): PoolSnapshot {
    return {
      size: this.size,
      inUse: this.inUse,
      waiting: this.waiters.length,
      acquiredTotal: this.acquiredTotal,
      rejectedTotal: this.rejectedTotal,
      waitSecondsTotal: this.waitMsTotal / 1000,
    };
  }

  /** Drops every waiter (server close): their requests are being torn down anyway. */
  clear(): void {
    this.waiters.length = 0;
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next === undefined) {
        this.inUse--;
        return;
      }
      // The connection passes straight to the next waiter: inUse stays the same.
      this.acquiredTotal++;
      this.waitMsTotal += this.now() - next.since;
      next.grant(this.releaser());
    };
  }
}
