import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { RunnerEvent } from '../../contracts/task-io';
import { retryWithBackoff } from './retry-with-backoff';

/** Errors that mean "try again shortly": throttling, a function mid-update, Lambda 5xx. */
const RETRYABLE = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'EC2ThrottledException',
  'ResourceConflictException',
  'ResourceNotReadyException',
  'ServiceException',
]);

export function isRetryableInvokeError(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const status = err.$metadata?.httpStatusCode ?? 0;
  return RETRYABLE.has(err.name ?? '') || status === 429 || status >= 500 || Boolean(err.$retryable);
}

export interface LambdaRunnerInvokerOptions {
  /** The runner function's name, identical in every runner region. */
  functionName: string;
  clientFor: (region: string) => LambdaClient;
  /** @default 6 */
  attempts?: number;
  /** @default 200 */
  baseDelayMs?: number;
  /** @default 5000 */
  maxDelayMs?: number;
  onRetry?: (region: string, runnerId: string, error: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Starts one runner in its own region. Step Functions cannot invoke a Lambda in another
 * region, so the home-region dispatcher calls each region's Lambda API. `Event` invocation
 * returns once Lambda has queued the event (202); the runner then runs for minutes.
 */
export class LambdaRunnerInvoker {
  constructor(private readonly opts: LambdaRunnerInvokerOptions) {}

  async invoke(region: string, event: RunnerEvent): Promise<void> {
    const client = this.opts.clientFor(region);
    const out = await retryWithBackoff(
      () =>
        client.send(
          new InvokeCommand({
            FunctionName: this.opts.functionName,
            InvocationType: 'Event',
            Payload: new TextEncoder().encode(JSON.stringify(event)),
          }),
        ),
      {
        attempts: this.opts.attempts ?? 6,
        baseMs: this.opts.baseDelayMs ?? 200,
        maxMs: this.opts.maxDelayMs ?? 5000,
        isRetryable: isRetryableInvokeError,
        onRetry: (e, attempt, delayMs) => this.opts.onRetry?.(region, event.runnerId, e, attempt, delayMs),
      },
    );
    if (out.StatusCode !== 202) {
      throw new Error(`Lambda answered ${out.StatusCode ?? 'no status'} instead of 202 (queued)`);
    }
  }
}
