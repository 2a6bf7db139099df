/**
 * k6's REST API (enabled with `--address`; off by default in k6 v2).
 * Only what the runner needs: status, resume, stop, setup data, teardown, metrics.
 */

/** k6's lib.ExecutionStatus values reported by GET /v1/status. */
export const K6Status = {
  pausedBeforeRun: 4,
  started: 5,
  setup: 6,
  running: 7,
  teardown: 8,
  ended: 9,
  interrupted: 10,
} as const;

export interface K6StatusAttributes {
  status: number;
  paused: boolean;
  vus: number;
  'vus-max': number;
  stopped: boolean;
  running: boolean;
  tainted: boolean;
}

export class K6RestError extends Error {}

/** k6 answers errors as JSON:API `{errors:[{title, detail}]}`; keep the human part. */
function errorDetail(body: string): string {
  try {
    const e = (JSON.parse(body) as { errors?: { title?: string; detail?: string }[] }).errors?.[0];
    if (e) return `${e.title ?? ''}${e.detail ? `: ${e.detail.trim()}` : ''}`.slice(0, 1000);
  } catch {
    // not JSON
  }
  return body.slice(0, 500);
}

export class K6RestClient {
  constructor(
    readonly address: string,
    private readonly timeoutMs = 5_000,
  ) {}

  private async call(
    method: string,
    path: string,
    body?: unknown,
    timeoutMs = this.timeoutMs,
  ): Promise<unknown> {
    const res = await fetch(`http://${this.address}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    if (!res.ok) throw new K6RestError(`k6 ${method} ${path} answered ${res.status}: ${errorDetail(text)}`);
    return text ? JSON.parse(text) : undefined;
  }

  async status(): Promise<K6StatusAttributes> {
    const r = (await this.call('GET', '/v1/status')) as { data: { attributes: K6StatusAttributes } };
    return r.data.attributes;
  }

  private patchStatus(attributes: Partial<K6StatusAttributes>): Promise<unknown> {
    return this.call('PATCH', '/v1/status', { data: { type: 'status', id: 'default', attributes } });
  }

  resume(): Promise<unknown> {
    return this.patchStatus({ paused: false });
  }

  /** k6 ends the test and exits with 103 (or lingers with --linger). */
  stop(): Promise<unknown> {
    return this.patchStatus({ stopped: true });
  }

  /** Runs setup() (even under --no-setup) and returns its data. */
  async runSetup(timeoutMs: number): Promise<unknown> {
    const r = (await this.call('POST', '/v1/setup', undefined, timeoutMs)) as {
      data?: { attributes?: { data?: unknown } };
    };
    return r.data?.attributes?.data ?? null;
  }

  /** Gives this instance the setup data another instance produced. */
  putSetupData(data: unknown): Promise<unknown> {
    return this.call('PUT', '/v1/setup', data ?? null);
  }

  /** Runs teardown(). Hangs when the script has none: only call it when it does, with a timeout. */
  runTeardown(timeoutMs: number): Promise<unknown> {
    return this.call('POST', '/v1/teardown', undefined, timeoutMs);
  }

  /** Aggregates k6 itself keeps; empty when the end-of-test summary is disabled. */
  async metrics(): Promise<Record<string, Record<string, number>>> {
    const r = (await this.call('GET', '/v1/metrics')) as {
      data: { id: string; attributes: { sample: Record<string, number> } }[];
    };
    return Object.fromEntries(r.data.map((m) => [m.id, m.attributes.sample]));
  }
}
