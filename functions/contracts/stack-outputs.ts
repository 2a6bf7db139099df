/** Names of the control stack's CloudFormation outputs: declared by lib/, read by the CLI's --stack mode. */
export const CONTROL_OUTPUTS = {
  stateMachineArn: 'StateMachineArn',
  bucketName: 'BucketName',
  region: 'HomeRegion',
  /** Only when the config has `grafana`. */
  grafanaUrl: 'GrafanaUrl',
} as const;
