import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';

/**
 * The few Grafana HTTP API calls provisioning needs (data sources, a folder, dashboards),
 * idempotent: each call creates or updates. The token never appears in errors.
 */
export interface GrafanaDataSource {
  uid: string;
  name: string;
  type: string;
  access: 'proxy';
  url?: string;
  jsonData: Record<string, unknown>;
}

export class GrafanaHttp {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly timeoutMs = 15_000,
  ) {}

  private async call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> {
    const res = await fetch(`${this.baseUrl.replace(/\/+$/, '')}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${this.token}`,
        'Content-Type': 'application/json',
        Accept: 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text.slice(0, 300);
    }
    return { status: res.status, json };
  }

  private async ok(method: string, path: string, body?: unknown): Promise<unknown> {
    const r = await this.call(method, path, body);
    if (r.status < 200 || r.status >= 300) {
      throw new Error(`Grafana ${method} ${path}: HTTP ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`);
    }
    return r.json;
  }

  async upsertDataSource(ds: GrafanaDataSource): Promise<'created' | 'updated'> {
    const cur = await this.call('GET', `/api/datasources/uid/${encodeURIComponent(ds.uid)}`);
    if (cur.status === 200) {
      await this.ok('PUT', `/api/datasources/uid/${encodeURIComponent(ds.uid)}`, ds);
      return 'updated';
    }
    if (cur.status !== 404) throw new Error(`Grafana GET data source ${ds.uid}: HTTP ${cur.status}`);
    await this.ok('POST', '/api/datasources', ds);
    return 'created';
  }

  async ensureFolder(uid: string, title: string): Promise<void> {
    const cur = await this.call('GET', `/api/folders/${encodeURIComponent(uid)}`);
    if (cur.status === 200) return;
    if (cur.status !== 404) throw new Error(`Grafana GET folder ${uid}: HTTP ${cur.status}`);
    await this.ok('POST', '/api/folders', { uid, title });
  }

  async upsertDashboard(dashboard: Dashboard, folderUid: string, message: string): Promise<void> {
    // id null + overwrite: create or replace by uid.
    await this.ok('POST', '/api/dashboards/db', {
      dashboard: { ...dashboard, id: null },
      folderUid,
      overwrite: true,
      message,
    });
  }

  async deleteDashboard(uid: string): Promise<void> {
    const r = await this.call('DELETE', `/api/dashboards/uid/${encodeURIComponent(uid)}`);
    if (r.status !== 200 && r.status !== 404)
      throw new Error(`Grafana DELETE dashboard ${uid}: HTTP ${r.status}`);
  }
}
