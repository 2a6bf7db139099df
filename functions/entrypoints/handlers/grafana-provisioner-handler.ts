import {
  CreateWorkspaceServiceAccountCommand,
  CreateWorkspaceServiceAccountTokenCommand,
  DeleteWorkspaceServiceAccountTokenCommand,
  GrafanaClient,
  ListWorkspaceServiceAccountsCommand,
} from '@aws-sdk/client-grafana';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { buildDashboards } from '../../adapters/grafana/dashboard-set';
import { FLAVORS, type Flavor, PLUGIN, PROVISIONED } from '../../adapters/grafana/datasources';
import { type GrafanaDataSource, GrafanaHttp } from '../../adapters/grafana/grafana-http';
import { type ProvisionerProps, ProvisionerPropsSchema } from '../../contracts/grafana-provisioner-props';
import { readSinkCredentials } from './sink-credentials';

/**
 * Custom resource (CDK Provider framework, onEvent) that provisions the Amazon Managed
 * Grafana workspace: the Timestream and CloudWatch data sources (workspace IAM role auth)
 * and the k6-fleet dashboards, through the Grafana HTTP API. It needs no stored secret:
 * each invocation mints a 15-minute service-account token with the AWS Grafana API and
 * deletes it when done.
 */

export const SERVICE_ACCOUNT_NAME = 'k6-fleet-provisioner';
export const FOLDER = { uid: 'k6-fleet', title: 'k6-fleet' } as const;

/** The dashboards' flavor for the store the workspace reads. */
export function flavorOf(p: ProvisionerProps): Flavor {
  const kind = p.MetricsKind ?? 'timestream';
  return kind === 'timestream-influxdb' ? 'influxdb' : kind;
}

/** The metrics store's data source: IAM role auth (Timestream), SigV4 (AMP), token (InfluxDB). */
function metricsDataSource(p: ProvisionerProps, influxToken?: string): GrafanaDataSource {
  const flavor = flavorOf(p);
  const base = {
    uid: PROVISIONED[flavor].uid,
    name: PROVISIONED[flavor].name,
    type: PLUGIN[flavor],
    access: 'proxy' as const,
  };
  if (flavor === 'prometheus') {
    return {
      ...base,
      url: p.PrometheusUrl,
      jsonData: { sigV4Auth: true, sigV4AuthType: 'ec2_iam_role', sigV4Region: p.Region, httpMethod: 'POST' },
    };
  }
  if (flavor === 'influxdb') {
    // InfluxQL over the v1 API (the dashboards' dialect), the token in Grafana's encrypted fields.
    return {
      ...base,
      url: p.InfluxDbUrl,
      jsonData: { version: 'InfluxQL', dbName: p.InfluxDbBucket, httpHeaderName1: 'Authorization' },
      secureJsonData: { httpHeaderValue1: `Token ${influxToken ?? ''}` },
    } as GrafanaDataSource;
  }
  return {
    ...base,
    jsonData: {
      authType: 'ec2_iam_role',
      defaultRegion: p.Region,
      defaultDatabase: p.TimestreamDatabase,
      defaultTable: p.TimestreamTable,
    },
  };
}

export function workspaceDataSources(p: ProvisionerProps, influxToken?: string): GrafanaDataSource[] {
  return [
    metricsDataSource(p, influxToken),
    {
      uid: PROVISIONED.cloudwatch.uid,
      name: PROVISIONED.cloudwatch.name,
      type: PLUGIN.cloudwatch,
      access: 'proxy',
      jsonData: { authType: 'ec2_iam_role', defaultRegion: p.Region },
    },
  ];
}

/** All generated dashboard uids (for delete). */
export function dashboardUids(): string[] {
  return FLAVORS.flatMap((f) => Object.values(buildDashboards(f)).map((d) => d.uid ?? '')).filter(Boolean);
}

async function withToken<T>(
  grafana: GrafanaClient,
  workspaceId: string,
  fn: (key: string) => Promise<T>,
): Promise<T> {
  const list = await grafana.send(new ListWorkspaceServiceAccountsCommand({ workspaceId }));
  let accountId = list.serviceAccounts?.find((a) => a.name === SERVICE_ACCOUNT_NAME)?.id;
  if (!accountId) {
    const created = await grafana.send(
      new CreateWorkspaceServiceAccountCommand({
        workspaceId,
        name: SERVICE_ACCOUNT_NAME,
        grafanaRole: 'ADMIN',
      }),
    );
    accountId = created.id;
  }
  const token = await grafana.send(
    new CreateWorkspaceServiceAccountTokenCommand({
      workspaceId,
      serviceAccountId: accountId,
      name: `k6-fleet-${Date.now()}`,
      secondsToLive: 900,
    }),
  );
  const key = token.serviceAccountToken?.key;
  const tokenId = token.serviceAccountToken?.id;
  if (!key || !tokenId) throw new Error('AWS Grafana API returned no service-account token');
  try {
    return await fn(key);
  } finally {
    await grafana.send(
      new DeleteWorkspaceServiceAccountTokenCommand({ workspaceId, serviceAccountId: accountId, tokenId }),
    );
  }
}

export interface ProvisionResult {
  PhysicalResourceId: string;
  Data: { Dashboards: string; DataSources: string };
}

export async function provisionGrafana(
  event: CloudFormationCustomResourceEvent,
  grafana: GrafanaClient,
): Promise<ProvisionResult> {
  const props = ProvisionerPropsSchema.parse(event.ResourceProperties);
  const physicalId = `k6-fleet-grafana-${props.WorkspaceId}`;
  const baseUrl = props.GrafanaUrl ?? `https://${props.WorkspaceEndpoint}`;
  if (event.RequestType === 'Delete') {
    // Best effort: the workspace is often deleted with the stack; never block a delete.
    try {
      await withToken(grafana, props.WorkspaceId, async (key) => {
        const http = new GrafanaHttp(baseUrl, key);
        for (const uid of dashboardUids()) await http.deleteDashboard(uid);
      });
    } catch (err) {
      console.warn(JSON.stringify({ message: 'grafana cleanup skipped', error: String(err) }));
    }
    return { PhysicalResourceId: physicalId, Data: { Dashboards: '', DataSources: '' } };
  }
  return withToken(grafana, props.WorkspaceId, async (key) => {
    const http = new GrafanaHttp(baseUrl, key);
    const sources = workspaceDataSources(props, await influxToken(props));
    for (const ds of sources) await http.upsertDataSource(ds);
    await http.ensureFolder(FOLDER.uid, FOLDER.title);
    const dashboards = Object.values(buildDashboards(flavorOf(props)));
    for (const d of dashboards)
      await http.upsertDashboard(d, FOLDER.uid, `k6-fleet ${props.Version ?? ''}`.trim());
    return {
      PhysicalResourceId: physicalId,
      Data: {
        Dashboards: dashboards.map((d) => d.uid).join(','),
        DataSources: sources.map((s) => s.uid).join(','),
      },
    };
  });
}

/** The InfluxDB token (or, until one is stored, the admin password) from the store's secret. */
async function influxToken(p: ProvisionerProps): Promise<string | undefined> {
  if (!p.InfluxDbSecretArn) return undefined;
  const c = await readSinkCredentials(secrets, p.InfluxDbSecretArn);
  return c.token ?? c.password;
}

const client = new GrafanaClient({});
const secrets = new SecretsManagerClient({});

export const handler = (event: CloudFormationCustomResourceEvent): Promise<ProvisionResult> =>
  provisionGrafana(event, client);
