export interface BackoffOptions {
  /** Total tries, the first included. */
  attempts: number;
  /** Delay before the first retry; doubles each time, with jitter. */
  baseMs: number;
  maxMs: number;
  isRetryable: (error: unknown) => boolean;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs fn until it succeeds, a non-retryable error occurs, or the attempts run out. */
export async function retryWithBackoff<T>(fn: () => Promise<T>, opts: BackoffOptions): Promise<T> {
  const sleep = opts.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (attempt >= opts.attempts || !opts.isRetryable(e)) throw e;
      // "Equal jitter": half fixed, half random, so parallel callers spread out yet still wait.
      const cap = Math.min(opts.maxMs, opts.baseMs * 2 ** (attempt - 1));
      const delayMs = Math.round(cap / 2 + (Math.random() * cap) / 2);
      opts.onRetry?.(e, attempt, delayMs);
      await sleep(delayMs);
    }
  }
}
