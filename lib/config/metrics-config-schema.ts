import { z } from 'zod';

const timestreamName = z
  .string()
  .regex(/^[a-zA-Z0-9_.-]{3,256}$/, 'Timestream names are 3-256 of a-z A-Z 0-9 _ . -');

/** Timestream for LiveAnalytics: closed to new AWS customers, kept for accounts that have it. */
export const TimestreamSettingsSchema = z
  .object({
    databaseName: timestreamName,
    tableName: timestreamName,
    /** Memory store: fast writes and queries of recent data (1 h to 1 year). */
    memoryRetentionHours: z.number().int().min(1).max(8766),
    /** Magnetic store: cheap long-term history (1 day to 200 years). */
    magneticRetentionDays: z.number().int().min(1).max(73000),
  })
  .strict();
export type TimestreamSettings = z.infer<typeof TimestreamSettingsSchema>;

/** An Amazon Managed Service for Prometheus workspace, written with SigV4 remote write. */
export const PrometheusSettingsSchema = z
  .object({
    kind: z.literal('prometheus'),
    /** @default the fleet name */
    workspaceAlias: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'workspace aliases are 1-100 of letters, digits, _ . -')
      .optional(),
    /** Trends as native histograms (AMP accepts them). @default true */
    nativeHistograms: z.boolean().default(true),
  })
  .strict();
export type PrometheusSettings = z.infer<typeof PrometheusSettingsSchema>;

const vpcId = z
  .string()
  .regex(/^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/, 'expected a VPC id such as "vpc-0a1b2c3d4e5f60718"');
const subnetId = z.string().regex(/^subnet-[0-9a-f]+$/, 'expected subnet ids such as "subnet-0abc"');
const cidr = z
  .string()
  .regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, 'expected an IPv4 CIDR such as "203.0.113.0/24"');

/** A Timestream for InfluxDB (InfluxDB 2) instance; its credentials live in Secrets Manager. */
export const InfluxDbSettingsSchema = z
  .object({
    kind: z.literal('timestream-influxdb'),
    /** @default the fleet name */
    instanceName: z
      .string()
      .regex(
        /^[a-zA-Z][a-zA-Z0-9-]{2,39}$/,
        'instance names are 3-40 letters, digits and -, starting with a letter',
      )
      .optional(),
    /** @default db.influx.medium */
    instanceType: z
      .enum([
        'db.influx.medium',
        'db.influx.large',
        'db.influx.xlarge',
        'db.influx.2xlarge',
        'db.influx.4xlarge',
        'db.influx.8xlarge',
        'db.influx.12xlarge',
        'db.influx.16xlarge',
      ])
      .default('db.influx.medium'),
    /** GiB of Influx IOPS Included storage. @default 20 */
    allocatedStorageGiB: z.number().int().min(20).max(16384).default(20),
    /** @default k6-fleet */
    organization: z.string().min(1).max(64).default('k6-fleet'),
    /** The bucket the sinks write (also the v1 `db` name). @default k6 */
    bucket: z
      .string()
      .regex(/^[A-Za-z0-9_-]{2,64}$/, 'bucket names are 2-64 of letters, digits, _ -')
      .default('k6'),
    /** The initial admin user (its password is generated into the secret). @default k6fleet */
    username: z
      .string()
      .regex(
        /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,62}[a-zA-Z0-9]$/,
        'usernames start with a letter, no "--", no trailing -',
      )
      .default('k6fleet'),
    /**
     * Place the instance (and the writer Lambdas) in this VPC's subnets, which need a route to
     * S3, EventBridge and Secrets Manager (NAT or endpoints). @default a new VPC
     */
    vpc: z
      .object({ vpcId, subnetIds: z.array(subnetId).min(1) })
      .strict()
      .optional(),
    /** Give the instance a public IP. @default false */
    publiclyAccessible: z.boolean().default(false),
    /** Who else may reach port 8086 (e.g. your own Grafana); needs publiclyAccessible outside the VPC. */
    allowedCidrs: z.array(cidr).default([]),
  })
  .strict();
export type InfluxDbSettings = z.infer<typeof InfluxDbSettingsSchema>;

/** Where live metrics go. `timestream` is LiveAnalytics (the legacy top-level `timestream` block). */
export const MetricsSettingsSchema = z.discriminatedUnion('kind', [
  TimestreamSettingsSchema.extend({ kind: z.literal('timestream') }).strict(),
  PrometheusSettingsSchema,
  InfluxDbSettingsSchema,
]);
export type MetricsSettings = z.infer<typeof MetricsSettingsSchema>;
export type MetricsKind = MetricsSettings['kind'];

/** The configured store: `metrics`, else the legacy `timestream` block, else none. */
export function metricsSettingsOf(c: {
  metrics?: MetricsSettings;
  timestream?: TimestreamSettings;
}): MetricsSettings | undefined {
  if (c.metrics) return c.metrics;
  return c.timestream ? { kind: 'timestream', ...c.timestream } : undefined;
}
