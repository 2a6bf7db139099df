import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  CreateWorkspaceServiceAccountCommand,
  CreateWorkspaceServiceAccountTokenCommand,
  GrafanaClient,
  ListWorkspaceServiceAccountsCommand,
} from '@aws-sdk/client-grafana';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { CloudFormationCustomResourceDeleteEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { CONTROL_OUTPUTS } from '../../functions/contracts';
import { ProvisionerPropsSchema } from '../../functions/contracts/grafana-provisioner-props';
import { provisionGrafana } from '../../functions/entrypoints/handlers/grafana-provisioner-handler';
import type { FleetConfigInput } from '../../lib/config/fleet-config-schema';
import { FleetConfigError, parseFleetConfig } from '../../lib/config/load-fleet-config';
import {
  dashboardsVersion,
  GrafanaDashboards,
  PROVISIONER_GRAFANA_ACTIONS,
  TIMESTREAM_DASHBOARDS_DIR,
} from '../../lib/constructs/grafana-dashboards';
import { ACCOUNT, only, type SynthedFleet, sampleConfigInput, synthFleet } from './support/fleet-fixture';

const GRAFANA_SAMPLE = resolve(import.meta.dirname, '../../config/fleet.grafana.sample.json');
const grafanaSampleInput = (): FleetConfigInput =>
  JSON.parse(readFileSync(GRAFANA_SAMPLE, 'utf8')) as FleetConfigInput;

type Json = Record<string, unknown>;
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Json;
  Principal?: Json;
  Sid?: string;
}
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const getAtt = (logicalId: string, attr: string) => ({ 'Fn::GetAtt': [logicalId, attr] });

/** Every policy statement attached to a role (inline policies and AWS::IAM::Policy resources). */
function statementsOfRole(t: Template, roleLogicalId: string): Statement[] {
  const role = t.toJSON().Resources[roleLogicalId] as {
    Properties: { Policies?: { PolicyDocument: { Statement: Statement[] } }[] };
  };
  const inline = (role.Properties.Policies ?? []).flatMap((p) => p.PolicyDocument.Statement);
  const attached = Object.values(t.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${roleLogicalId}"`))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  return [...inline, ...attached];
}

/** Replaces each Fn::GetAtt / Ref in a value with a stand-in, as CloudFormation would resolve it. */
function resolveTokens(value: unknown, stand: (ref: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveTokens(v, stand));
  if (value && typeof value === 'object') {
    const o = value as Json;
    if ('Fn::GetAtt' in o) return stand((o['Fn::GetAtt'] as string[]).join('.'));
    if ('Ref' in o) return stand(String(o.Ref));
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, resolveTokens(v, stand)]));
  }
  return value;
}

describe('GrafanaDashboards in the control stack (config with grafana)', () => {
  let fleet: SynthedFleet;
  let t: Template;
  let ids: { workspace: string; role: string; provisioner: string; table: string };

  beforeAll(() => {
    fleet = synthFleet(parseFleetConfig(grafanaSampleInput()));
    t = fleet.controlTemplate;
    const g = fleet.control.grafana;
    if (!g?.provisioner) throw new Error('expected a Grafana construct with a provisioner');
    const idOf = (c: { node: { defaultChild?: unknown } }) =>
      fleet.control.getLogicalId(c.node.defaultChild as never);
    ids = {
      workspace: fleet.control.getLogicalId(g.workspace),
      role: idOf(g.workspaceRole),
      provisioner: idOf(g.provisioner),
      table: fleet.control.getLogicalId(fleet.control.metricsTable!.table),
    };
  }, 600_000);

  it('creates one current-account workspace with the Timestream and CloudWatch data sources', () => {
    const { props } = only(t, 'AWS::Grafana::Workspace');
    expect(props).toEqual({
      Name: 'k6-fleet',
      Description: expect.any(String),
      AccountAccessType: 'CURRENT_ACCOUNT',
      PermissionType: 'SERVICE_MANAGED',
      DataSources: ['TIMESTREAM', 'CLOUDWATCH'],
      AuthenticationProviders: ['AWS_SSO'],
      PluginAdminEnabled: true,
      RoleArn: getAtt(ids.role, 'Arn'),
    });
  });

  it('lets only this account’s Grafana workspaces assume the workspace role', () => {
    const role = t.toJSON().Resources[ids.role] as {
      Properties: { AssumeRolePolicyDocument: { Statement: Statement[] }; ManagedPolicyArns?: unknown };
    };
    const trust = role.Properties.AssumeRolePolicyDocument.Statement;
    expect(trust).toHaveLength(1);
    expect(trust[0]).toMatchObject({
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Principal: { Service: 'grafana.amazonaws.com' },
      Condition: {
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        ArnLike: {
          'aws:SourceArn': {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':grafana:eu-west-1:',
                { Ref: 'AWS::AccountId' },
                ':/workspaces/*',
              ],
            ],
          },
        },
      },
    });
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('gives the workspace read access to the metrics table only, plus the unscopable reads', () => {
    const statements = statementsOfRole(t, ids.role);
    expect(statements).toHaveLength(2);
    const table = statements.find((s) => s.Sid === 'MetricsTable');
    expect(table).toMatchObject({ Effect: 'Allow', Resource: getAtt(ids.table, 'Arn') });
    expect(actionsOf(table!).sort()).toEqual([
      'timestream:DescribeTable',
      'timestream:ListMeasures',
      'timestream:Select',
    ]);
    const star = statements.find((s) => s.Resource === '*');
    expect(actionsOf(star!).sort()).toEqual([
      'cloudwatch:GetMetricData',
      'cloudwatch:GetMetricStatistics',
      'cloudwatch:ListMetrics',
      'timestream:DescribeEndpoints',
      'timestream:SelectValues',
    ]);
    // Nothing that writes, deletes, or reads logs or other tables.
    const all = statements.flatMap(actionsOf);
    expect(all.filter((a) => /Write|Delete|Create|Update|Put|logs:|\*/.test(a))).toEqual([]);
  });

  it('runs the provisioner on Node.js 22 for up to 2 minutes, from the dashboards handler', () => {
    expect(t.toJSON().Resources[ids.provisioner].Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Timeout: 120,
    });
  });

  it('grants the provisioner exactly the Grafana API calls it makes, on this workspace only', () => {
    const role = (t.toJSON().Resources[ids.provisioner].Properties as { Role: Json }).Role;
    const roleId = (role['Fn::GetAtt'] as string[])[0]!;
    const grafana = statementsOfRole(t, roleId).filter((s) =>
      actionsOf(s).some((a) => a.startsWith('grafana:')),
    );
    expect(grafana).toHaveLength(1);
    expect(actionsOf(grafana[0]!).sort()).toEqual([...PROVISIONER_GRAFANA_ACTIONS].sort());
    expect(grafana[0]!.Resource).toEqual({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':grafana:eu-west-1:',
          { Ref: 'AWS::AccountId' },
          ':/workspaces/',
          getAtt(ids.workspace, 'Id'),
        ],
      ],
    });
    // No Grafana grant anywhere in the stack on "*".
    const everyStatement = Object.values(t.findResources('AWS::IAM::Policy')).flatMap(
      (p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    );
    expect(
      everyStatement.filter((s) => s.Resource === '*' && actionsOf(s).some((a) => a.startsWith('grafana:'))),
    ).toEqual([]);
  });

  it('the grant covers every AWS Grafana call the handler really sends', async () => {
    // Prepare: an account with no service account yet, so the handler creates one; the
    // Grafana URL is a closed loopback port, so the (best-effort) delete fails over HTTP.
    const mock = mockClient(GrafanaClient);
    mock.on(ListWorkspaceServiceAccountsCommand).resolves({ serviceAccounts: [] });
    mock.on(CreateWorkspaceServiceAccountCommand).resolves({ id: 'sa-1' });
    mock.on(CreateWorkspaceServiceAccountTokenCommand).resolves({
      serviceAccountToken: { id: 'tok-1', name: 't', key: 'glsa_x' },
    });
    const event = {
      RequestType: 'Delete',
      PhysicalResourceId: 'k6-fleet-grafana-g-1',
      ResourceProperties: {
        ServiceToken: 'arn',
        WorkspaceId: 'g-1',
        WorkspaceEndpoint: 'g-1.example',
        Region: 'eu-west-1',
        TimestreamDatabase: 'k6fleet',
        TimestreamTable: 'metrics',
        GrafanaUrl: 'http://127.0.0.1:9',
      },
    } as unknown as CloudFormationCustomResourceDeleteEvent;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      // Act
      await provisionGrafana(event, new GrafanaClient({ region: 'eu-west-1' }));
    } finally {
      warn.mockRestore();
      mock.restore();
    }
    // Assess: each command maps to the IAM action of the same name.
    const sent = new Set(
      mock.calls().map((c) => `grafana:${c.args[0].constructor.name.replace(/Command$/, '')}`),
    );
    expect([...sent].sort()).toEqual([...PROVISIONER_GRAFANA_ACTIONS].sort());
  });

  it('provisions through a custom resource whose properties the handler accepts', () => {
    const { props } = only(t, 'Custom::K6FleetGrafanaDashboards');
    const frameworkFn = Object.entries(t.findResources('AWS::Lambda::Function')).find(([id]) =>
      id.includes('ProviderframeworkonEvent'),
    );
    expect(frameworkFn).toBeDefined();
    expect(props).toEqual({
      ServiceToken: getAtt(frameworkFn![0], 'Arn'),
      WorkspaceId: getAtt(ids.workspace, 'Id'),
      WorkspaceEndpoint: getAtt(ids.workspace, 'Endpoint'),
      Region: 'eu-west-1',
      TimestreamDatabase: 'k6fleet',
      TimestreamTable: 'metrics',
      Version: dashboardsVersion(TIMESTREAM_DASHBOARDS_DIR),
    });
    // The provider's framework function calls the provisioner.
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ USER_ON_EVENT_FUNCTION_ARN: getAtt(ids.provisioner, 'Arn') }),
      },
    });
    // What CloudFormation hands the handler parses with the handler's own schema.
    const { ServiceToken: _token, ...resourceProps } = resolveTokens(props, (ref) =>
      ref.endsWith('.Endpoint') ? 'g-abc.grafana-workspace.eu-west-1.amazonaws.com' : 'g-abc1234567',
    ) as Json;
    const parsed = ProvisionerPropsSchema.strict().parse(resourceProps);
    expect(parsed.Version).toMatch(/^[0-9a-f]{64}$/);
  });

  it('outputs the workspace URL', () => {
    t.hasOutput(CONTROL_OUTPUTS.grafanaUrl, {
      Value: { 'Fn::Join': ['', ['https://', getAtt(ids.workspace, 'Endpoint')]] },
    });
  });
});

describe('dashboardsVersion', () => {
  it('changes when a dashboard changes, and only then', () => {
    // Prepare: a copy of the committed dashboards.
    const dir = mkdtempSync(join(tmpdir(), 'k6fleet-dash-'));
    cpSync(TIMESTREAM_DASHBOARDS_DIR, dir, { recursive: true });
    const original = dashboardsVersion(dir);
    // Act + Assess: same files, same version (the committed ones).
    expect(original).toBe(dashboardsVersion(TIMESTREAM_DASHBOARDS_DIR));
    writeFileSync(join(dir, 'notes.txt'), 'not a dashboard');
    expect(dashboardsVersion(dir)).toBe(original);
    // A panel title edit in one dashboard.
    const live = JSON.parse(readFileSync(join(dir, 'live.json'), 'utf8')) as { title: string };
    writeFileSync(
      join(dir, 'live.json'),
      `${JSON.stringify({ ...live, title: `${live.title} (edited)` }, null, 2)}\n`,
    );
    const edited = dashboardsVersion(dir);
    expect(edited).not.toBe(original);
    expect(edited).toMatch(/^[0-9a-f]{64}$/);
    // A new dashboard.
    writeFileSync(join(dir, 'extra.json'), '{}\n');
    expect(dashboardsVersion(dir)).not.toBe(edited);
  });

  it('refuses a folder with no dashboards (they were never generated)', () => {
    const empty = mkdtempSync(join(tmpdir(), 'k6fleet-dash-'));
    expect(() => dashboardsVersion(empty)).toThrow(/run npx tsx bin\/build-dashboards\.ts/);
  });
});

describe('GrafanaDashboards options', () => {
  function standalone(opts: Partial<ConstructorParameters<typeof GrafanaDashboards>[2]>): Template {
    const app = new App();
    const stack = new Stack(app, 'S', { env: { account: ACCOUNT, region: 'us-west-2' } });
    new GrafanaDashboards(stack, 'Grafana', {
      timestreamDatabase: 'db',
      timestreamTable: 'tbl',
      timestreamTableArn: 'arn:aws:timestream:us-west-2:123456789012:database/db/table/tbl',
      architecture: lambda.Architecture.ARM_64,
      logRetention: logs.RetentionDays.ONE_WEEK,
      ...opts,
    });
    return Template.fromStack(stack);
  }

  it('with provisionDashboards false: the workspace only, no Lambda and no custom resource', () => {
    const t = standalone({ provisionDashboards: false, authenticationProviders: ['SAML'] });
    expect(only(t, 'AWS::Grafana::Workspace').props.AuthenticationProviders).toEqual(['SAML']);
    t.resourceCountIs('AWS::Lambda::Function', 0);
    t.resourceCountIs('Custom::K6FleetGrafanaDashboards', 0);
  });

  it('scopes the workspace role to the table ARN it is given', () => {
    const t = standalone({ provisionDashboards: false });
    const roleId = Object.keys(t.findResources('AWS::IAM::Role'))[0]!;
    const table = statementsOfRole(t, roleId).find((s) => s.Sid === 'MetricsTable');
    expect(table?.Resource).toBe('arn:aws:timestream:us-west-2:123456789012:database/db/table/tbl');
  });
});

describe('grafana in the fleet config', () => {
  it('fills the defaults', () => {
    const config = parseFleetConfig({ ...sampleConfigInput(), grafana: {} });
    expect(config.grafana).toEqual({
      enabled: true,
      authenticationProviders: ['AWS_SSO'],
      provisionDashboards: true,
    });
  });

  it('reads the Grafana sample config', () => {
    const config = parseFleetConfig(grafanaSampleInput());
    expect(config.grafana).toMatchObject({ enabled: true, workspaceName: 'k6-fleet' });
    expect(config.timestream).toBeDefined();
  });

  const { timestream: _ts, ...withoutTimestream } = sampleConfigInput();
  it.each([
    [
      'grafana without timestream',
      { ...withoutTimestream, grafana: { enabled: true } },
      'k6fleet.grafana: the Grafana dashboards read the metrics store: add a "metrics" block',
    ],
    [
      'an unknown sign-in provider',
      { ...sampleConfigInput(), grafana: { authenticationProviders: ['LDAP'] } },
      'k6fleet.grafana.authenticationProviders[0]',
    ],
    [
      'no sign-in provider',
      { ...sampleConfigInput(), grafana: { authenticationProviders: [] } },
      'k6fleet.grafana.authenticationProviders: give at least one of AWS_SSO, SAML',
    ],
    [
      'a provider twice',
      { ...sampleConfigInput(), grafana: { authenticationProviders: ['SAML', 'SAML'] } },
      'k6fleet.grafana.authenticationProviders: list each provider once',
    ],
    [
      'a workspace name with a space',
      { ...sampleConfigInput(), grafana: { workspaceName: 'my grafana' } },
      'k6fleet.grafana.workspaceName: workspace names are 1-255 of letters, digits',
    ],
    [
      'a misspelt option',
      { ...sampleConfigInput(), grafana: { provisionDashboard: false } },
      'k6fleet.grafana',
    ],
  ])('refuses %s, naming the field', (_what, input, message) => {
    expect(() => parseFleetConfig(input)).toThrow(FleetConfigError);
    expect(() => parseFleetConfig(input)).toThrow(message);
  });

  it('creates no workspace when grafana is disabled (then timestream is not required)', () => {
    // Prepare
    const config = parseFleetConfig({ ...withoutTimestream, grafana: { enabled: false } });
    // Act
    const fleet = synthFleet(config);
    // Assess
    expect(fleet.control.grafana).toBeUndefined();
    fleet.controlTemplate.resourceCountIs('AWS::Grafana::Workspace', 0);
    fleet.controlTemplate.resourceCountIs('Custom::K6FleetGrafanaDashboards', 0);
    expect(Object.keys(fleet.controlTemplate.findOutputs(CONTROL_OUTPUTS.grafanaUrl))).toEqual([]);
  }, 600_000);
});
