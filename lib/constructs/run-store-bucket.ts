import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { HISTORY_PREFIX, INTERVAL_OBJECT_TAG } from '../../functions/contracts/store-keys';

export interface RunStoreBucketProps {
  /** Globally unique bucket name (deterministic, so runner stacks can name it too). */
  readonly bucketName: string;
  /** Days a run's record under runs/ is kept. */
  readonly retentionDays: number;
  /** Days interval records (tagged by the S3 run store) are kept. */
  readonly intervalRetentionDays: number;
  /**
   * Days a run's history record (and its index entry) under history/ is kept: its own
   * retention, separate from runs/, so last year's campaign can still be compared.
   * @default - forever (no expiration rule covers history/)
   */
  readonly historyRetentionDays?: number;
  /**
   * Keep the bucket and its runs on `cdk destroy`.
   * @default true
   */
  readonly retainOnDelete?: boolean;
}

/**
 * The run store: plan, control channel, interval records, summaries and reports of every
 * run; `scripts/` for uploaded k6 scripts; `history/` for run comparison. Encrypted,
 * TLS-only, never public, with server access logs in a second bucket.
 */
export class RunStoreBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: RunStoreBucketProps) {
    super(scope, id);
    const retain = props.retainOnDelete ?? true;
    if (props.historyRetentionDays !== undefined && props.historyRetentionDays < props.retentionDays) {
      throw new Error(
        `historyRetentionDays (${props.historyRetentionDays}) must be at least retentionDays (${props.retentionDays}): history records outlive run data`,
      );
    }
    const removal = retain
      ? { removalPolicy: RemovalPolicy.RETAIN }
      : { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true };

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      // SSE-S3: the log delivery service cannot write to SSE-KMS buckets.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(props.retentionDays) }],
      ...removal,
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket of the run store; logging it would log its own log deliveries.',
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      // SSE-S3 rather than a KMS key: runners in other regions read and write the bucket,
      // and a single-region KMS key would add cross-region grants and per-request KMS cost.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'run-store/',
      lifecycleRules: [
        {
          id: 'expire-runs',
          prefix: 'runs/',
          expiration: Duration.days(props.retentionDays),
        },
        {
          // Interval records are the bulk of a run; summary.json keeps the totals.
          id: 'expire-interval-records',
          prefix: 'runs/',
          tagFilters: { [INTERVAL_OBJECT_TAG.key]: INTERVAL_OBJECT_TAG.value },
          expiration: Duration.days(Math.min(props.intervalRetentionDays, props.retentionDays)),
        },
        // history/ (records, index, baselines) has no rule unless a retention is set: kept forever.
        ...(props.historyRetentionDays !== undefined
          ? [
              {
                id: 'expire-history',
                prefix: HISTORY_PREFIX,
                expiration: Duration.days(props.historyRetentionDays),
              },
            ]
          : []),
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      ...removal,
    });
  }
}
