import { performance } from 'node:perf_hooks';

export interface TimedResponse {
  readonly status: number;
  readonly body: string;
  /** Round trip measured by the test, body included. */
  readonly clientMs: number;
  /** What the target reports in its `server-timing: target;dur=…` header. */
  readonly serverMs: number;
}

export async function timedGet(url: string, init?: RequestInit): Promise<TimedResponse> {
  const start = performance.now();
  const response = await fetch(url, init);
  const body = await response.text();
  const clientMs = performance.now() - start;
  const timing = /target;dur=([\d.]+)/.exec(response.headers.get('server-timing') ?? '');
  return { status: response.status, body, clientMs, serverMs: timing ? Number(timing[1]) : Number.NaN };
}

/** Runs `total` requests with `concurrency` in flight; returns the statuses in completion order. */
export async function hammer(url: string, total: number, concurrency: number): Promise<number[]> {
  const statuses: number[] = [];
  let started = 0;
  const worker = async () => {
    while (started < total) {
      started++;
      const response = await fetch(url);
      await response.arrayBuffer();
      statuses.push(response.status);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return statuses;
}
