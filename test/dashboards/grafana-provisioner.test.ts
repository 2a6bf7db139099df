import { createServer, type Server } from 'node:http';
import {
  CreateWorkspaceServiceAccountCommand,
  CreateWorkspaceServiceAccountTokenCommand,
  DeleteWorkspaceServiceAccountTokenCommand,
  GrafanaClient,
  ListWorkspaceServiceAccountsCommand,
} from '@aws-sdk/client-grafana';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  provisionGrafana,
  SERVICE_ACCOUNT_NAME,
} from '../../functions/entrypoints/handlers/grafana-provisioner-handler';

/** A loopback stand-in for the Grafana HTTP API: stores data sources, folders, dashboards by uid. */
interface FakeGrafana {
  url: string;
  auth: string[];
  datasources: Map<string, Record<string, unknown>>;
  folders: Set<string>;
  dashboards: Map<string, { dashboard: Record<string, unknown>; folderUid: string }>;
  close(): Promise<void>;
}

async function fakeGrafana(): Promise<FakeGrafana> {
  const state = {
    auth: [] as string[],
    datasources: new Map(),
    folders: new Set<string>(),
    dashboards: new Map(),
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      state.auth.push(String(req.headers.authorization));
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      const url = req.url ?? '';
      const parsed = body ? (JSON.parse(body) as Record<string, unknown>) : {};
      const dsUid = /^\/api\/datasources\/uid\/(.+)$/.exec(url)?.[1];
      const folderUid = /^\/api\/folders\/(.+)$/.exec(url)?.[1];
      const dashUid = /^\/api\/dashboards\/uid\/(.+)$/.exec(url)?.[1];
      if (dsUid && req.method === 'GET') {
        send(state.datasources.has(dsUid) ? 200 : 404, {});
        return;
      }
      if (dsUid && req.method === 'PUT') {
        state.datasources.set(dsUid, parsed);
        send(200, {});
        return;
      }
      if (url === '/api/datasources' && req.method === 'POST') {
        state.datasources.set(String(parsed.uid), parsed);
        send(200, {});
        return;
      }
      if (folderUid && req.method === 'GET') {
        send(state.folders.has(folderUid) ? 200 : 404, {});
        return;
      }
      if (url === '/api/folders' && req.method === 'POST') {
        state.folders.add(String(parsed.uid));
        send(200, {});
        return;
      }
      if (url === '/api/dashboards/db' && req.method === 'POST') {
        const d = parsed.dashboard as Record<string, unknown>;
        state.dashboards.set(String(d.uid), { dashboard: d, folderUid: String(parsed.folderUid) });
        send(200, { status: 'success' });
        return;
      }
      if (dashUid && req.method === 'DELETE') {
        send(state.dashboards.delete(dashUid) ? 200 : 404, {});
        return;
      }
      send(400, { message: `unexpected ${req.method} ${url}` });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    ...state,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const grafanaMock = mockClient(GrafanaClient);
let grafana: FakeGrafana;
beforeAll(async () => {
  grafana = await fakeGrafana();
});
afterAll(async () => {
  await grafana?.close();
});
afterEach(() => grafanaMock.reset());

function event(type: 'Create' | 'Update' | 'Delete'): CloudFormationCustomResourceEvent {
  const props = {
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provider',
    WorkspaceId: 'g-abc123',
    WorkspaceEndpoint: 'g-abc123.grafana-workspace.eu-west-1.amazonaws.com',
    Region: 'eu-west-1',
    TimestreamDatabase: 'k6fleet',
    TimestreamTable: 'metrics',
    GrafanaUrl: grafana.url,
  };
  const base = {
    ServiceToken: props.ServiceToken,
    ResponseURL: 'https://example.invalid/response',
    StackId: 'stack',
    RequestId: 'req',
    LogicalResourceId: 'GrafanaDashboards',
    ResourceType: 'Custom::K6FleetGrafana',
    ResourceProperties: props,
  };
  if (type === 'Create') return { ...base, RequestType: 'Create' };
  if (type === 'Update')
    return { ...base, RequestType: 'Update', PhysicalResourceId: 'p', OldResourceProperties: props };
  return { ...base, RequestType: 'Delete', PhysicalResourceId: 'p' };
}

function mockTokens() {
  grafanaMock
    .on(ListWorkspaceServiceAccountsCommand)
    .resolves({ serviceAccounts: [], workspaceId: 'g-abc123' });
  grafanaMock.on(CreateWorkspaceServiceAccountCommand).resolves({ id: 'sa-1', name: SERVICE_ACCOUNT_NAME });
  grafanaMock.on(CreateWorkspaceServiceAccountTokenCommand).resolves({
    serviceAccountToken: { id: 'tok-1', name: 't', key: 'glsa_secret' },
    serviceAccountId: 'sa-1',
  });
  grafanaMock.on(DeleteWorkspaceServiceAccountTokenCommand).resolves({});
}

describe('Grafana provisioner custom resource', () => {
  it('Create: mints a short-lived token, provisions data sources, folder and dashboards, deletes the token', async () => {
    // Prepare
    mockTokens();
    // Act
    const out = await provisionGrafana(event('Create'), new GrafanaClient({ region: 'eu-west-1' }));
    // Assess
    expect(grafanaMock.commandCalls(CreateWorkspaceServiceAccountCommand)[0]!.args[0].input).toMatchObject({
      workspaceId: 'g-abc123',
      grafanaRole: 'ADMIN',
    });
    expect(
      grafanaMock.commandCalls(CreateWorkspaceServiceAccountTokenCommand)[0]!.args[0].input.secondsToLive,
    ).toBe(900);
    expect(
      grafanaMock.commandCalls(DeleteWorkspaceServiceAccountTokenCommand)[0]!.args[0].input,
    ).toMatchObject({
      tokenId: 'tok-1',
      serviceAccountId: 'sa-1',
    });
    expect(grafana.auth.every((a) => a === 'Bearer glsa_secret')).toBe(true);
    expect(grafana.datasources.get('k6fleet-timestream')).toMatchObject({
      type: 'grafana-timestream-datasource',
      jsonData: { defaultDatabase: 'k6fleet', defaultTable: 'metrics', authType: 'ec2_iam_role' },
    });
    expect([...grafana.dashboards.keys()].sort()).toEqual([
      'k6fleet-compare-timestream',
      'k6fleet-history-timestream',
      'k6fleet-live-timestream',
    ]);
    expect(
      [...grafana.dashboards.values()].every((d) => d.folderUid === 'k6-fleet' && d.dashboard.id === null),
    ).toBe(true);
    expect(out.Data.Dashboards.split(',')).toHaveLength(3);
  });

  it('Update reuses the service account and overwrites in place; Delete removes the dashboards', async () => {
    // Prepare
    mockTokens();
    grafanaMock.on(ListWorkspaceServiceAccountsCommand).resolves({
      serviceAccounts: [
        { id: 'sa-1', name: SERVICE_ACCOUNT_NAME, isDisabled: 'false', grafanaRole: 'ADMIN' },
      ],
      workspaceId: 'g-abc123',
    });
    // Act
    await provisionGrafana(event('Update'), new GrafanaClient({ region: 'eu-west-1' }));
    const afterUpdate = grafana.dashboards.size;
    await provisionGrafana(event('Delete'), new GrafanaClient({ region: 'eu-west-1' }));
    // Assess
    expect(grafanaMock.commandCalls(CreateWorkspaceServiceAccountCommand)).toHaveLength(0);
    expect(afterUpdate).toBe(3);
    expect(grafana.dashboards.size).toBe(0);
    expect(grafanaMock.commandCalls(DeleteWorkspaceServiceAccountTokenCommand)).toHaveLength(2);
  });
});
