import type { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ProvisionerPropsSchema } from '../../functions/contracts/grafana-provisioner-props';
import { HANDLER_ENV } from '../../functions/contracts/handler-env';
import { SinkConfigSchema } from '../../functions/contracts/sink-config';
import { workspaceDataSources } from '../../functions/entrypoints/handlers/grafana-provisioner-handler';
import { parseFleetConfig } from '../../lib/config/load-fleet-config';
import { dashboardsVersion } from '../../lib/constructs/grafana-dashboards';
import { dashboardsDirFor } from '../../lib/constructs/grafana-metrics-source';
import { namedSampleInput, only, type SynthedFleet, synthFleet } from './support/fleet-fixture';

type Statement = { Action: string | string[]; Resource: unknown };
type Fn = 'Validate' | 'Plan' | 'Dispatch' | 'Watch' | 'Finalize' | 'AbortOnStop';
const ALL_FUNCTIONS: Fn[] = ['Validate', 'Plan', 'Dispatch', 'Watch', 'Finalize', 'AbortOnStop'];
const WRITERS: Fn[] = ['Watch', 'Finalize'];

function fnLogicalId(fleet: SynthedFleet, fn: Fn): string {
  const key = (fn[0]?.toLowerCase() + fn.slice(1)) as keyof SynthedFleet['control']['functions'];
  return fleet.control.getLogicalId(fleet.control.functions[key].node.defaultChild as CfnElement);
}

/** The IAM statements of one function's role. */
function statementsOf(fleet: SynthedFleet, fn: Fn): Statement[] {
  const t = fleet.controlTemplate;
  const roleRef = t.toJSON().Resources[fnLogicalId(fleet, fn)].Properties.Role['Fn::GetAtt'][0];
  return Object.values(t.findResources('AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleRef))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

/** Every (function, resource) pair granted `action` in the control stack. */
function grantsOf(fleet: SynthedFleet, action: string): [Fn, unknown][] {
  return ALL_FUNCTIONS.flatMap((fn) =>
    statementsOf(fleet, fn)
      .filter((s) => [s.Action].flat().includes(action))
      .flatMap((s) => [s.Resource].flat().map((r) => [fn, r] as [Fn, unknown])),
  );
}

function envOf(fleet: SynthedFleet, fn: Fn): Record<string, unknown> {
  return fleet.controlTemplate.toJSON().Resources[fnLogicalId(fleet, fn)].Properties.Environment.Variables;
}

describe('metrics store: prometheus (config/fleet.prometheus.sample.json)', () => {
  let fleet: SynthedFleet;
  beforeAll(() => {
    fleet = synthFleet(parseFleetConfig(namedSampleInput('fleet.prometheus.sample.json')));
  }, 300_000);

  it('creates one AMP workspace and no Timestream or InfluxDB store', () => {
    const ws = only(fleet.controlTemplate, 'AWS::APS::Workspace');
    expect(ws.props.Alias).toBe('k6-fleet');
    fleet.controlTemplate.resourceCountIs('AWS::Timestream::Table', 0);
    fleet.controlTemplate.resourceCountIs('AWS::Timestream::InfluxDBInstance', 0);
  });

  it('grants aps:RemoteWrite on that workspace only, to the watcher and finalizer only', () => {
    const ws = only(fleet.controlTemplate, 'AWS::APS::Workspace');
    const arn = { 'Fn::GetAtt': [ws.logicalId, 'Arn'] };
    expect(grantsOf(fleet, 'aps:RemoteWrite')).toEqual(WRITERS.map((fn) => [fn, arn]));
  });

  it('gives the writers a SigV4 prometheus sink on the workspace endpoint in the stack region', () => {
    const ws = only(fleet.controlTemplate, 'AWS::APS::Workspace');
    for (const fn of WRITERS) {
      const text = fleet.control.resolve(envOf(fleet, fn)[HANDLER_ENV.sink]) as unknown;
      // The env value is a Fn::Join around the endpoint attribute: check the JSON around it.
      const joined = JSON.stringify(text);
      expect(joined).toContain(ws.logicalId);
      expect(joined).toContain('PrometheusEndpoint');
      const parts = (text as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
      const sample = parts
        .map((p) =>
          typeof p === 'string' ? p : 'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/',
        )
        .join('');
      const sink = SinkConfigSchema.parse(JSON.parse(sample));
      expect(sink).toEqual({
        kind: 'prometheus',
        url: 'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write',
        sigv4: { region: 'eu-west-1' },
        nativeHistograms: true,
      });
      expect(envOf(fleet, fn)[HANDLER_ENV.sinkSecretArn]).toBeUndefined();
    }
    for (const fn of ['Validate', 'Plan', 'Dispatch', 'AbortOnStop'] as Fn[]) {
      expect(envOf(fleet, fn)[HANDLER_ENV.sink]).toBeUndefined();
    }
    // Nothing runs in a VPC for AMP (a public, SigV4-authenticated endpoint).
    fleet.controlTemplate.resourceCountIs('AWS::EC2::VPC', 0);
    fleet.controlTemplate.hasResourceProperties('AWS::Lambda::Function', { VpcConfig: Match.absent() });
  });

  it('gives Managed Grafana a SigV4 Prometheus data source on that workspace, and the PromQL dashboards', () => {
    const t = fleet.controlTemplate;
    const ws = only(t, 'AWS::APS::Workspace');
    expect(only(t, 'AWS::Grafana::Workspace').props.DataSources).toEqual(['PROMETHEUS', 'CLOUDWATCH']);
    const cr = only(t, 'Custom::K6FleetGrafanaDashboards').props;
    expect(cr).toMatchObject({
      MetricsKind: 'prometheus',
      PrometheusUrl: { 'Fn::GetAtt': [ws.logicalId, 'PrometheusEndpoint'] },
      Version: dashboardsVersion(dashboardsDirFor('prometheus')),
    });
    expect(cr.TimestreamTable).toBeUndefined();
    const ds = workspaceDataSources(
      ProvisionerPropsSchema.parse({
        ...cr,
        WorkspaceId: 'g-1',
        WorkspaceEndpoint: 'g-1.example',
        PrometheusUrl: 'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/',
      }),
    );
    expect(ds[0]).toMatchObject({
      type: 'prometheus',
      jsonData: { sigV4Auth: true, sigV4Region: 'eu-west-1' },
    });
    // The workspace role reads that workspace only.
    const reads = Object.values(t.findResources('AWS::IAM::Role'))
      .flatMap((r) => (r.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[])
      .flatMap((p) => p.PolicyDocument.Statement)
      .filter((s) => [s.Action].flat().includes('aps:QueryMetrics'));
    expect(reads.map((s) => s.Resource)).toEqual([{ 'Fn::GetAtt': [ws.logicalId, 'Arn'] }]);
  });
});

describe('metrics store: timestream-influxdb (config/fleet.influxdb.sample.json)', () => {
  let fleet: SynthedFleet;
  beforeAll(() => {
    fleet = synthFleet(parseFleetConfig(namedSampleInput('fleet.influxdb.sample.json')));
  }, 300_000);

  it('creates a private InfluxDB instance in a new VPC, its password from a generated secret', () => {
    const t = fleet.controlTemplate;
    const instance = only(t, 'AWS::Timestream::InfluxDBInstance');
    const secret = only(t, 'AWS::SecretsManager::Secret');
    expect(instance.props).toMatchObject({
      DbInstanceType: 'db.influx.medium',
      AllocatedStorage: 20,
      Organization: 'k6-fleet',
      Bucket: 'k6',
      Port: 8086,
      PubliclyAccessible: false,
    });
    // A dynamic reference CloudFormation resolves at deploy time: no password in the template.
    expect(JSON.stringify(instance.props.Password)).toContain(`{{resolve:secretsmanager:`);
    expect(JSON.stringify(instance.props.Password)).toContain(secret.logicalId);
    expect(secret.props.GenerateSecretString).toMatchObject({ GenerateStringKey: 'password' });
    only(t, 'AWS::EC2::VPC');
    t.resourceCountIs('AWS::EC2::FlowLog', 1);
    t.resourceCountIs('AWS::APS::Workspace', 0);
    t.resourceCountIs('AWS::Timestream::Table', 0);
  });

  it('lets only the writer security group reach the instance port', () => {
    const t = fleet.controlTemplate;
    const instance = only(t, 'AWS::Timestream::InfluxDBInstance');
    const [instanceSg] = instance.props.VpcSecurityGroupIds as { 'Fn::GetAtt': [string, string] }[];
    const ingress = Object.values(t.findResources('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties);
    expect(ingress).toEqual([
      expect.objectContaining({
        GroupId: instanceSg,
        FromPort: 8086,
        ToPort: 8086,
        IpProtocol: 'tcp',
        SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/WriterSg/), 'GroupId'] },
      }),
    ]);
    const sgs = t.findResources('AWS::EC2::SecurityGroup');
    expect(sgs[instanceSg?.['Fn::GetAtt'][0] ?? '']?.Properties.SecurityGroupIngress).toBeUndefined();
  });

  it('places the writers in the VPC with the writer group, and gives them the secret, not the password', () => {
    const t = fleet.controlTemplate;
    const secret = only(t, 'AWS::SecretsManager::Secret');
    for (const fn of WRITERS) {
      const props = t.toJSON().Resources[fnLogicalId(fleet, fn)].Properties;
      expect(JSON.stringify(props.VpcConfig.SecurityGroupIds)).toMatch(/WriterSg/);
      expect(props.VpcConfig.SubnetIds).toHaveLength(2);
      const env = envOf(fleet, fn);
      expect(env[HANDLER_ENV.sinkSecretArn]).toEqual({ Ref: secret.logicalId });
      expect(JSON.stringify(env)).not.toMatch(/resolve:secretsmanager|password"/i);
      const sink = JSON.stringify(env[HANDLER_ENV.sink]);
      expect(sink).toContain('"kind\\":\\"influxdb\\"');
      expect(sink).toContain('https://');
      expect(sink).toContain(':8086');
    }
    for (const fn of ['Validate', 'Plan', 'Dispatch', 'AbortOnStop'] as Fn[]) {
      expect(t.toJSON().Resources[fnLogicalId(fleet, fn)].Properties.VpcConfig).toBeUndefined();
    }
    // GetSecretValue on that one secret, for the two writers only.
    expect(grantsOf(fleet, 'secretsmanager:GetSecretValue')).toEqual(
      WRITERS.map((fn) => [fn, { Ref: secret.logicalId }]),
    );
    // Besides the writers, only the Grafana provisioner reads it (for the data source's token).
    const all = Object.values(t.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
      .filter((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'));
    expect(all.map((s) => s.Resource)).toEqual([
      { Ref: secret.logicalId },
      { Ref: secret.logicalId },
      { Ref: secret.logicalId },
    ]);
  });

  it('gives Managed Grafana an InfluxDB data source, from inside the VPC, and the InfluxQL dashboards', () => {
    const t = fleet.controlTemplate;
    const secret = only(t, 'AWS::SecretsManager::Secret');
    const ws = only(t, 'AWS::Grafana::Workspace').props;
    expect(ws.DataSources).toEqual(['CLOUDWATCH']);
    expect(JSON.stringify((ws.VpcConfiguration as { SecurityGroupIds: unknown }).SecurityGroupIds)).toMatch(
      /WriterSg/,
    );
    const cr = only(t, 'Custom::K6FleetGrafanaDashboards').props;
    expect(cr).toMatchObject({
      MetricsKind: 'timestream-influxdb',
      InfluxDbSecretArn: { Ref: secret.logicalId },
      InfluxDbBucket: 'k6',
      Version: dashboardsVersion(dashboardsDirFor('timestream-influxdb')),
    });
  });

  it('uses the VPC and subnets the config names, public only when asked', () => {
    const input = namedSampleInput('fleet.influxdb.sample.json');
    const own = synthFleet(
      parseFleetConfig({
        ...input,
        metrics: {
          kind: 'timestream-influxdb',
          vpc: { vpcId: 'vpc-0a1b2c3d4e5f60718', subnetIds: ['subnet-0aa', 'subnet-0bb'] },
          publiclyAccessible: true,
          allowedCidrs: ['203.0.113.0/24'],
        },
      }),
    );
    const t = own.controlTemplate;
    t.resourceCountIs('AWS::EC2::VPC', 0);
    const instance = only(t, 'AWS::Timestream::InfluxDBInstance');
    expect(instance.props).toMatchObject({
      PubliclyAccessible: true,
      VpcSubnetIds: ['subnet-0aa', 'subnet-0bb'],
    });
    t.hasResourceProperties('AWS::EC2::SecurityGroup', { VpcId: 'vpc-0a1b2c3d4e5f60718' });
    t.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [Match.objectLike({ CidrIp: '203.0.113.0/24', FromPort: 8086, ToPort: 8086 })],
    });
    expect(t.toJSON().Resources[fnLogicalId(own, 'Watch')].Properties.VpcConfig.SubnetIds).toEqual([
      'subnet-0aa',
      'subnet-0bb',
    ]);
  });
});
