import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ArnFormat, Aws, CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as grafana from 'aws-cdk-lib/aws-grafana';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { ProvisionerProps } from '../../functions/contracts/grafana-provisioner-props';
import { FleetFunction } from './fleet-function';
import {
  dashboardsDirFor,
  type GrafanaMetricsSource,
  provisionerStoreProps,
  unscopedWorkspaceActions,
  workspaceDataSourceTypes,
  workspaceStoreStatements,
  workspaceVpcConfiguration,
} from './grafana-metrics-source';

export { WORKSPACE_TABLE_ACTIONS } from './grafana-metrics-source';

/** The generated Timestream dashboards the provisioner uploads (bin/build-dashboards.ts writes them). */
export const TIMESTREAM_DASHBOARDS_DIR = dashboardsDirFor('timestream');

/**
 * sha256 of the dashboards in `dir` (file names and contents, in name order). It is the
 * custom resource's `Version`: every dashboard change changes a property, so CloudFormation
 * sends an Update and the provisioner uploads the new dashboards.
 */
export function dashboardsVersion(dir: string = TIMESTREAM_DASHBOARDS_DIR): string {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  if (files.length === 0) {
    throw new Error(`no dashboards in ${dir}: run npx tsx bin/build-dashboards.ts`);
  }
  const hash = createHash('sha256');
  for (const f of files) {
    hash.update(`${f}\0`);
    hash.update(readFileSync(join(dir, f)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** Grafana API calls the provisioner makes to mint (and revoke) its short-lived token. */
export const PROVISIONER_GRAFANA_ACTIONS = [
  'grafana:ListWorkspaceServiceAccounts',
  'grafana:CreateWorkspaceServiceAccount',
  'grafana:CreateWorkspaceServiceAccountToken',
  'grafana:DeleteWorkspaceServiceAccountToken',
] as const;

export type GrafanaAuthProvider = 'AWS_SSO' | 'SAML';

export interface GrafanaDashboardsProps {
  /** The metrics store the dashboards read. @default the Timestream table of the three props below */
  readonly metrics?: GrafanaMetricsSource;
  /** Timestream database the dashboards query (when `metrics` is not given). */
  readonly timestreamDatabase?: string;
  /** Timestream table the dashboards query (when `metrics` is not given). */
  readonly timestreamTable?: string;
  /** ARN of that table: the workspace role may read it and nothing else. */
  readonly timestreamTableArn?: string;
  /** @default ['AWS_SSO'] */
  readonly authenticationProviders?: readonly GrafanaAuthProvider[];
  /** @default - no name (Amazon Managed Grafana shows the workspace id) */
  readonly workspaceName?: string;
  /**
   * Create the data sources and the k6-fleet dashboards through the Grafana HTTP API
   * (a custom resource) on every deploy that changes them.
   * @default true
   */
  readonly provisionDashboards?: boolean;
  /** Architecture of the provisioner Lambda. */
  readonly architecture: lambda.Architecture;
  readonly logRetention: logs.RetentionDays;
  /** Folder whose JSON files make the custom resource's Version. @default dashboards/<kind folder> */
  readonly dashboardsDir?: string;
}

/**
 * An Amazon Managed Grafana workspace that reads the fleet's Timestream table and the
 * target's CloudWatch metrics with its own least-privilege role, and (by default) a custom
 * resource that provisions the data sources and dashboards through the Grafana HTTP API:
 * CloudFormation has no resource for dashboards.
 */
export class GrafanaDashboards extends Construct {
  readonly workspace: grafana.CfnWorkspace;
  /** The role the workspace's data sources assume. */
  readonly workspaceRole: iam.Role;
  readonly workspaceArn: string;
  /** https://<workspace endpoint> */
  readonly url: string;
  /** Present when dashboards are provisioned. */
  readonly provisioner?: FleetFunction;
  readonly provider?: cr.Provider;
  readonly dashboards?: CustomResource;
  readonly metrics: GrafanaMetricsSource;

  constructor(scope: Construct, id: string, props: GrafanaDashboardsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.metrics = metricsSourceOf(props);
    const workspaceArnOf = (resourceName: string) =>
      stack.formatArn({
        service: 'grafana',
        account: Aws.ACCOUNT_ID,
        resource: '/workspaces',
        resourceName,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      });

    this.workspaceRole = this.workspaceRoleFor(props, workspaceArnOf('*'));

    this.workspace = new grafana.CfnWorkspace(this, 'Workspace', {
      name: props.workspaceName,
      description: "k6-fleet: live load-test metrics beside the target's CloudWatch metrics",
      accountAccessType: 'CURRENT_ACCOUNT',
      permissionType: 'SERVICE_MANAGED',
      dataSources: workspaceDataSourceTypes(this.metrics.kind),
      // A private InfluxDB instance is reached from inside its VPC.
      vpcConfiguration: workspaceVpcConfiguration(this.metrics),
      authenticationProviders: [...(props.authenticationProviders ?? ['AWS_SSO'])],
      // Lets an admin install the Timestream plugin from the catalog if a Grafana version lacks it.
      pluginAdminEnabled: true,
      roleArn: this.workspaceRole.roleArn,
    });
    this.workspaceArn = workspaceArnOf(this.workspace.attrId);
    this.url = `https://${this.workspace.attrEndpoint}`;

    if (props.provisionDashboards ?? true) {
      const p = this.provisionDashboards(props);
      this.provisioner = p.provisioner;
      this.provider = p.provider;
      this.dashboards = p.dashboards;
    }
  }

  /** The role the workspace's data sources assume: the metrics table and CloudWatch, read-only. */
  private workspaceRoleFor(_props: GrafanaDashboardsProps, anyWorkspaceArn: string): iam.Role {
    // The workspace needs the role first, so the trust names any workspace of this account
    // (the id is not known yet); the source conditions stop other accounts' workspaces.
    return new iam.Role(this, 'WorkspaceRole', {
      description: 'k6-fleet: Amazon Managed Grafana reads the metrics table and CloudWatch metrics',
      assumedBy: new iam.ServicePrincipal('grafana.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        ArnLike: { 'aws:SourceArn': anyWorkspaceArn },
      }),
      inlinePolicies: {
        ReadFleetMetrics: new iam.PolicyDocument({
          statements: [
            ...workspaceStoreStatements(this.metrics),
            new iam.PolicyStatement({
              sid: 'NoResourceLevelScoping',
              actions: unscopedWorkspaceActions(this.metrics.kind),
              resources: ['*'],
            }),
          ],
        }),
      },
    });
  }

  /** The custom resource that creates the data sources and dashboards in the workspace. */
  private provisionDashboards(props: GrafanaDashboardsProps): {
    provisioner: FleetFunction;
    provider: cr.Provider;
    dashboards: CustomResource;
  } {
    const stack = Stack.of(this);
    const provisioner = new FleetFunction(this, 'Provisioner', {
      handlerFile: 'grafana-provisioner-handler.ts',
      description: 'k6-fleet: creates the Grafana data sources and dashboards (custom resource)',
      architecture: props.architecture,
      logRetention: props.logRetention,
      timeout: Duration.minutes(2),
    });
    iam.Grant.addToPrincipal({
      grantee: provisioner,
      actions: [...PROVISIONER_GRAFANA_ACTIONS],
      resourceArns: [this.workspaceArn],
    });
    if (this.metrics.kind === 'timestream-influxdb') {
      // The InfluxDB data source's token goes into Grafana's encrypted fields, read here.
      iam.Grant.addToPrincipal({
        grantee: provisioner,
        actions: ['secretsmanager:GetSecretValue'],
        resourceArns: [this.metrics.secretArn],
      });
    }
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: provisioner,
      logGroup: new logs.LogGroup(this, 'ProviderLogs', { retention: props.logRetention }),
    });
    const properties: ProvisionerProps = {
      WorkspaceId: this.workspace.attrId,
      WorkspaceEndpoint: this.workspace.attrEndpoint,
      Region: stack.region,
      ...provisionerStoreProps(this.metrics),
      Version: dashboardsVersion(props.dashboardsDir ?? dashboardsDirFor(this.metrics.kind)),
    };
    const dashboards = new CustomResource(this, 'Dashboards', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::K6FleetGrafanaDashboards',
      properties,
    });
    return { provisioner, provider, dashboards };
  }
}

function metricsSourceOf(props: GrafanaDashboardsProps): GrafanaMetricsSource {
  if (props.metrics) return props.metrics;
  const { timestreamDatabase: database, timestreamTable: table, timestreamTableArn: tableArn } = props;
  if (!database || !table || !tableArn)
    throw new Error('GrafanaDashboards needs `metrics` or the three timestream* props');
  return { kind: 'timestream', database, table, tableArn };
}
