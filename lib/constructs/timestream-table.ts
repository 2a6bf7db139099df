import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as timestream from 'aws-cdk-lib/aws-timestream';
import { Construct } from 'constructs';

export interface MetricsTableProps {
  readonly databaseName: string;
  readonly tableName: string;
  /** Memory store retention (fast writes, recent queries), 1 h to 1 year. */
  readonly memoryRetentionHours: number;
  /** Magnetic store retention (long-term history), 1 day to 200 years. */
  readonly magneticRetentionDays: number;
  /**
   * Keep the database and table on `cdk destroy`.
   * @default true
   */
  readonly retainOnDelete?: boolean;
}

/**
 * Lets `grantee` write records to one Timestream table. aws-cdk-lib has no Timestream L2
 * (hence no `grantWrite`), so this is the narrow policy by hand: WriteRecords on that table
 * only, plus DescribeEndpoints, which Timestream's cellular endpoint discovery needs and
 * which supports no resource-level scoping (`*` is the only valid resource).
 */
export function grantTimestreamWrite(grantee: iam.IGrantable, tableArn: string): iam.Grant {
  iam.Grant.addToPrincipal({ grantee, actions: ['timestream:DescribeEndpoints'], resourceArns: ['*'] });
  return iam.Grant.addToPrincipal({
    grantee,
    actions: ['timestream:WriteRecords'],
    resourceArns: [tableArn],
  });
}

/**
 * The Timestream LiveAnalytics database and table the metrics sinks write to (Grafana
 * reads them). Write-only from the fleet's view: the control loop never queries it.
 */
export class MetricsTable extends Construct {
  readonly database: timestream.CfnDatabase;
  readonly table: timestream.CfnTable;
  readonly databaseName: string;
  readonly tableName: string;
  readonly tableArn: string;

  constructor(scope: Construct, id: string, props: MetricsTableProps) {
    super(scope, id);
    const removalPolicy = (props.retainOnDelete ?? true) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    this.database = new timestream.CfnDatabase(this, 'Database', { databaseName: props.databaseName });
    this.database.applyRemovalPolicy(removalPolicy);
    this.table = new timestream.CfnTable(this, 'Table', {
      // Ref of a Timestream database is its name: also orders the table after the database.
      databaseName: this.database.ref,
      tableName: props.tableName,
      retentionProperties: {
        MemoryStoreRetentionPeriodInHours: String(props.memoryRetentionHours),
        MagneticStoreRetentionPeriodInDays: String(props.magneticRetentionDays),
      },
    });
    this.table.applyRemovalPolicy(removalPolicy);
    this.databaseName = props.databaseName;
    this.tableName = props.tableName;
    this.tableArn = this.table.attrArn;
  }

  grantWrite(grantee: iam.IGrantable): iam.Grant {
    return grantTimestreamWrite(grantee, this.tableArn);
  }
}
