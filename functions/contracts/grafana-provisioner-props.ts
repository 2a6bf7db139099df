import { z } from 'zod';

/** Properties of the Grafana provisioner custom resource: set by lib/, parsed by its handler. */
export const ProvisionerPropsSchema = z.object({
  WorkspaceId: z.string().min(1),
  /** The workspace endpoint host (AWS::Grafana::Workspace Endpoint), e.g. g-abc.grafana-workspace.eu-west-1.amazonaws.com */
  WorkspaceEndpoint: z.string().min(1),
  Region: z.string().min(1),
  TimestreamDatabase: z.string().min(1),
  TimestreamTable: z.string().min(1),
  /** Full base URL overriding https://<WorkspaceEndpoint> (tests, proxies). */
  GrafanaUrl: z.url().optional(),
  /** Changes whenever dashboards change, so CloudFormation re-runs the update. */
  Version: z.string().optional(),
});
export type ProvisionerProps = z.infer<typeof ProvisionerPropsSchema>;
