import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import type { GrafanaDashboards } from '../constructs/grafana-dashboards';

/**
 * cdk-nag (AwsSolutions) acknowledgements, each with its reason. cdk-nag v3 names every
 * IAM wildcard finding separately (`AwsSolutions-IAM5[Resource::…]`), so these helpers
 * build the exact finding ids from the same inputs the grants used.
 */

/** How cdk-nag prints `Fn::GetAtt [logicalId, attr]` inside a finding id. */
export function nagRef(element: CfnElement, attr = 'Arn'): string {
  return `<${Stack.of(element).getLogicalId(element)}.${attr}>`;
}

/** Findings every k6-fleet Lambda has. */
export function acknowledgeFleetFunctionFindings(fn: lambda.Function): void {
  Validations.of(fn).acknowledge(
    {
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the runtime the project pins (package.json engines) and tests on; the local fleet and the Lambdas run the same code on it.',
    },
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        'The AWS managed basic execution role only allows writing the function its own CloudWatch logs; a copy would add nothing.',
    },
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'xray:PutTraceSegments/PutTelemetryRecords (active tracing), timestream:DescribeEndpoints and cloudwatch:GetMetricData (the planner and watcher read a run\'s CloudWatch server-metric sources) support no resource-level scoping; "*" is the only valid resource.',
    },
  );
}

const S3_READ_ACTIONS = ['s3:GetObject*', 's3:GetBucket*', 's3:List*'];
const S3_WRITE_ACTIONS = ['s3:DeleteObject*', 's3:Abort*'];

/**
 * Findings of `bucket.grantRead/grantReadWrite(fn, '<prefix>*')`: the wildcards are the
 * grant's own action groups, and the resource is one key prefix of the run store.
 * `bucketArn` is how cdk-nag prints the bucket ARN (nagRef(...) or a literal ARN).
 */
export function acknowledgeRunStoreGrant(
  scope: IConstruct,
  bucketArn: string,
  prefixes: readonly string[],
  access: 'read' | 'readWrite',
): void {
  const actions = access === 'read' ? S3_READ_ACTIONS : [...S3_READ_ACTIONS, ...S3_WRITE_ACTIONS];
  Validations.of(scope).acknowledge(
    ...actions.map((a) => ({
      id: `AwsSolutions-IAM5[Action::${a}]`,
      reason: `${a} comes from the S3 ${access} grant (aws-cdk-lib action group), limited to the run-store prefixes ${prefixes.join(', ')}.`,
    })),
    ...prefixes.map((p) => ({
      id: `AwsSolutions-IAM5[Resource::${bucketArn}/${p}*]`,
      reason: `Run-store objects are created per run under ${p}<runId>/…; their keys are not known at deploy time, only the prefix.`,
    })),
  );
}

/** Validate's grant to store an inline script once per run (runs/<runId>/script.js). */
export function acknowledgeInlineScriptGrant(scope: IConstruct, bucketArn: string, keys: string): void {
  Validations.of(scope).acknowledge(
    {
      id: `AwsSolutions-IAM5[Resource::${bucketArn}/${keys}]`,
      reason: 'One key per run (runs/<runId>/script.js); run ids are not known at deploy time.',
    },
    ...[...S3_READ_ACTIONS, 's3:Abort*'].map((a) => ({
      id: `AwsSolutions-IAM5[Action::${a}]`,
      reason: `$acomes from the S3 read / put grants (aws-cdk-lib action groups), limited to $keys.`,
    })),
  );
}

/** `fn.grantInvoke` also allows the function's versions and aliases (`<arn>:*`). */
export function acknowledgeInvokeGrant(scope: IConstruct, functionArn: string, what: string): void {
  Validations.of(scope).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${functionArn}:*]`,
    reason: `grantInvoke covers ${what} and its versions/aliases (":*"), so a published version stays invocable.`,
  });
}

/** Findings of the Amazon Managed Grafana workspace and its dashboard provisioner. */
export function acknowledgeGrafanaDashboardsFindings(g: GrafanaDashboards): void {
  Validations.of(g.workspaceRole).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'timestream:DescribeEndpoints, timestream:SelectValues (the data source health check "SELECT 1", which reads no table) and cloudwatch:GetMetricData/ListMetrics/GetMetricStatistics support no resource-level scoping; table reads are limited to the metrics table ARN.',
  });
  if (g.provisioner) acknowledgeFleetFunctionFindings(g.provisioner);
  if (g.provider && g.provisioner) {
    Validations.of(g.provider).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        'The custom-resource framework Lambda (aws-cdk-lib custom_resources.Provider) only needs to write its own CloudWatch logs, which is all the AWS managed basic execution role allows.',
    });
    acknowledgeInvokeGrant(
      g.provider,
      nagRef(g.provisioner.node.defaultChild as CfnElement),
      'the Grafana dashboard provisioner (the Provider framework invokes its onEvent handler)',
    );
  }
}

/** Findings of the Timestream for InfluxDB store: its secret and the writers placed in its VPC. */
export function acknowledgeInfluxDbFindings(secret: IConstruct, writers: readonly lambda.Function[]): void {
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason:
      'The InfluxDB admin password can only be changed through the Timestream for InfluxDB API (UpdateDbInstance), which a Secrets Manager rotation Lambda cannot do for the instance; rotate by redeploying with a new secret.',
  });
  for (const fn of writers) {
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      reason:
        'A Lambda in a VPC needs to create and delete its network interfaces (ec2:CreateNetworkInterface and friends), which is exactly what the AWS managed VPC access role allows; those actions support no resource scoping.',
    });
  }
}
