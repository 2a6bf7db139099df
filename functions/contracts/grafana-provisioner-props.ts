import { z } from 'zod';

/** Properties of the Grafana provisioner custom resource: set by lib/, parsed by its handler. */
export const ProvisionerPropsSchema = z
  .object({
    WorkspaceId: z.string().min(1),
    /** The workspace endpoint host (AWS::Grafana::Workspace Endpoint), e.g. g-abc.grafana-workspace.eu-west-1.amazonaws.com */
    WorkspaceEndpoint: z.string().min(1),
    Region: z.string().min(1),
    /** The metrics store the dashboards read. @default timestream */
    MetricsKind: z.enum(['timestream', 'prometheus', 'timestream-influxdb']).default('timestream'),
    TimestreamDatabase: z.string().min(1).optional(),
    TimestreamTable: z.string().min(1).optional(),
    /** The AMP workspace's query endpoint (PrometheusEndpoint), queried with SigV4. */
    PrometheusUrl: z.url().optional(),
    InfluxDbUrl: z.url().optional(),
    InfluxDbOrganization: z.string().min(1).optional(),
    InfluxDbBucket: z.string().min(1).optional(),
    /** Secret with the InfluxDB credentials: the provisioner copies them into the data source's secure fields. */
    InfluxDbSecretArn: z.string().min(1).optional(),
    /** Full base URL overriding https://<WorkspaceEndpoint> (tests, proxies). */
    GrafanaUrl: z.url().optional(),
    /** Changes whenever dashboards change, so CloudFormation re-runs the update. */
    Version: z.string().optional(),
  })
  .superRefine((p, ctx) => {
    const need: Record<typeof p.MetricsKind, (keyof typeof p)[]> = {
      timestream: ['TimestreamDatabase', 'TimestreamTable'],
      prometheus: ['PrometheusUrl'],
      'timestream-influxdb': ['InfluxDbUrl', 'InfluxDbOrganization', 'InfluxDbBucket', 'InfluxDbSecretArn'],
    };
    for (const key of need[p.MetricsKind]) {
      if (p[key] === undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: `required for MetricsKind ${p.MetricsKind}` });
      }
    }
  });
export type ProvisionerProps = z.input<typeof ProvisionerPropsSchema>;
