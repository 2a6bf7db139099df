import { z } from 'zod';
import { RunInputSchema } from '../../functions/contracts';
import { MetricsSettingsSchema, TimestreamSettingsSchema } from './metrics-config-schema';

export { type TimestreamSettings, TimestreamSettingsSchema } from './metrics-config-schema';

/** An AWS region code, e.g. `eu-west-1` or `us-gov-west-1`. */
const regionSchema = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region code such as "eu-west-1"');

/** A private network for the runners of one region (to reach targets that are not public). */
export const RunnerVpcSchema = z
  .object({
    vpcId: z
      .string()
      .regex(/^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/, 'expected a VPC id such as "vpc-0a1b2c3d4e5f60718"'),
    /** Private subnets with a route to the internet or to S3/Timestream endpoints in the home region. */
    subnetIds: z
      .array(z.string().regex(/^subnet-[0-9a-f]+$/, 'expected subnet ids such as "subnet-0abc"'))
      .min(1),
    securityGroupIds: z
      .array(
        z
          .string()
          .regex(
            /^sg-([0-9a-f]{8}|[0-9a-f]{17})$/,
            'expected security group ids such as "sg-0a1b2c3d4e5f60718"',
          ),
      )
      .min(1),
  })
  .strict();
export type RunnerVpc = z.infer<typeof RunnerVpcSchema>;

export const RunnerRegionSchema = z
  .object({
    region: regionSchema,
    /** Default share of the load in percent when a run input gives no regions (all sum to 100). */
    weight: z.number().positive('weights must be positive'),
    /** Runs the runners of this region inside a VPC. VPCs are regional, hence per region. */
    vpc: RunnerVpcSchema.optional(),
  })
  .strict();
export type RunnerRegion = z.infer<typeof RunnerRegionSchema>;

export const RunnerSettingsSchema = z
  .object({
    /** 1,769 MB is one vCPU; k6 and the runner share it. @default 2048 */
    memoryMb: z.number().int().min(128).max(10240).default(2048),
    /** @default arm64 (cheaper per GB-second; the k6 layer is built for it) */
    architecture: z.enum(['arm64', 'x86_64']).default('arm64'),
    /** Lambda's hard limit is 900 s; the planner refuses tests that do not fit. @default 900 */
    timeoutSeconds: z
      .number()
      .int()
      .min(180, 'runners need at least 180 seconds (k6 init, start barrier, final flush)')
      .max(900, "Lambda's maximum timeout is 900 seconds")
      .default(900),
  })
  .strict();
export type RunnerSettings = z.infer<typeof RunnerSettingsSchema>;

export const BucketSettingsSchema = z
  .object({
    /** Globally unique S3 name. @default `<name>-runs-<account>-<homeRegion>` */
    name: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
        'S3 bucket names are 3-63 lower-case letters, digits, . and -',
      )
      .optional(),
    /** Days a run's record (plan, summary, report) is kept. @default 90 */
    retentionDays: z.number().int().min(1).default(90),
    /** Days the bulky per-interval records are kept (the summary keeps the totals). @default 7 */
    intervalRetentionDays: z.number().int().min(1).default(7),
    /** Days history records (history/: what compare and history read) are kept; ≥ retentionDays. @default forever */
    historyRetentionDays: z.number().int().min(1).optional(),
    /** Keep the bucket (and its runs) on `cdk destroy`. @default true */
    retainOnDelete: z.boolean().default(true),
  })
  .strict();
export type BucketSettings = z.infer<typeof BucketSettingsSchema>;

/** How people sign in to the Amazon Managed Grafana workspace. */
export const GrafanaAuthProviderSchema = z.enum(['AWS_SSO', 'SAML']);
export type GrafanaAuthProvider = z.infer<typeof GrafanaAuthProviderSchema>;

/** An optional Amazon Managed Grafana workspace that shows the Timestream metrics. */
export const GrafanaSettingsSchema = z
  .object({
    /** Set to false to keep the block but create no workspace. @default true */
    enabled: z.boolean().default(true),
    /**
     * IAM Identity Center (AWS_SSO) must be enabled in the account; SAML needs its IdP
     * configured on the workspace after deploy. @default ["AWS_SSO"]
     */
    authenticationProviders: z
      .array(GrafanaAuthProviderSchema)
      .min(1, 'give at least one of AWS_SSO, SAML')
      .refine((a) => new Set(a).size === a.length, 'list each provider once')
      .default(['AWS_SSO']),
    /** @default the fleet name */
    workspaceName: z
      .string()
      .regex(/^[a-zA-Z0-9\-._~]{1,255}$/, 'workspace names are 1-255 of letters, digits, - . _ ~')
      .optional(),
    /** Create the data sources and the k6-fleet dashboards in the workspace on deploy. @default true */
    provisionDashboards: z.boolean().default(true),
  })
  .strict();
export type GrafanaSettings = z.infer<typeof GrafanaSettingsSchema>;

/** The retention periods CloudWatch Logs accepts. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const FleetScheduleSchema = z
  .object({
    /** Schedule name (unique in the fleet); also the test's default name. */
    name: z.string().regex(/^[A-Za-z0-9_.-]{1,50}$/, 'schedule names are 1-50 of letters, digits, _ . -'),
    /** EventBridge Scheduler expression: `cron(min hour dom month dow year)`, `rate(n unit)` or `at(...)`. */
    expression: z
      .string()
      .regex(
        /^(cron\(\S+( \S+){5}\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\)|at\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\))$/,
        'expected cron(m h dom mon dow yr), rate(n minutes|hours|days) or at(yyyy-mm-ddThh:mm:ss)',
      ),
    /** IANA time zone the expression is read in. @default UTC */
    timezone: z.string().refine(isTimeZone, 'not an IANA time zone (e.g. "Europe/Paris")').default('UTC'),
    description: z.string().max(512).optional(),
    /** @default true */
    enabled: z.boolean().default(true),
    /** The execution input, exactly what you would paste in the Step Functions console. */
    input: RunInputSchema,
  })
  .strict()
  .superRefine((s, ctx) => {
    if ('path' in s.input.script) {
      ctx.addIssue({
        code: 'custom',
        path: ['input', 'script'],
        message:
          'a scheduled run cannot read a file from your machine: use { "s3Key": "scripts/…" } or { "inline": "…" }',
      });
    }
    if (s.input.runId !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['input', 'runId'],
        message: 'every scheduled run needs its own id: remove runId (the execution name is used)',
      });
    }
  });
export type FleetSchedule = z.infer<typeof FleetScheduleSchema>;

/**
 * The whole fleet's configuration: cdk.json context `k6fleet` (inline, or the path of a
 * JSON file). Parsed once at synth time; a bad value fails `cdk synth` naming the field.
 */
export const FleetConfigSchema = z
  .object({
    /** Prefix of every physical name, so two fleets can share an account. @default k6-fleet */
    name: z
      .string()
      .regex(
        /^[a-z][a-z0-9-]{1,23}$/,
        'use 2-24 lower-case letters, digits and dashes, starting with a letter',
      )
      .default('k6-fleet'),
    /** AWS account to deploy to. @default CDK_DEFAULT_ACCOUNT (the CLI's credentials) */
    account: z
      .string()
      .regex(/^\d{12}$/, 'expected a 12-digit AWS account id')
      .optional(),
    /** Where the bucket, the state machine and the control Lambdas live. */
    homeRegion: regionSchema,
    runnerRegions: z.array(RunnerRegionSchema).min(1, 'give at least one runner region'),
    runner: RunnerSettingsSchema.default(RunnerSettingsSchema.parse({})),
    /** Default cap of VUs per runner (Lambda: 1,024 threads and file descriptors). @default 300 */
    maxVusPerRunner: z.number().int().min(1).max(1000).default(300),
    /** Seconds between two watch ticks (threshold evaluation, heartbeat). @default 5 */
    watchIntervalSeconds: z.number().int().min(1).max(60).default(5),
    bucket: BucketSettingsSchema.default(BucketSettingsSchema.parse({})),
    /** The live metrics store (prometheus, timestream-influxdb or timestream); omit for none. */
    metrics: MetricsSettingsSchema.optional(),
    /** Legacy spelling of `metrics: { kind: "timestream", … }` (LiveAnalytics). */
    timestream: TimestreamSettingsSchema.optional(),
    /** Amazon Managed Grafana workspace with the dashboards; needs a metrics store. Omit for none. */
    grafana: GrafanaSettingsSchema.optional(),
    schedules: z.array(FleetScheduleSchema).default([]),
    /** Days Lambda and state machine logs are kept (a CloudWatch Logs retention value). @default 30 */
    logRetentionDays: z
      .number()
      .int()
      .refine(
        (d) => LOG_RETENTION_DAYS.includes(d),
        `CloudWatch Logs accepts ${LOG_RETENTION_DAYS.join(', ')} days`,
      )
      .default(30),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.runnerRegions.forEach((r, i) => {
      if (seen.has(r.region)) {
        ctx.addIssue({
          code: 'custom',
          path: ['runnerRegions', i, 'region'],
          message: `${r.region} is listed twice`,
        });
      }
      seen.add(r.region);
    });
    const sum = c.runnerRegions.reduce((s, r) => s + r.weight, 0);
    if (Math.abs(sum - 100) > 1e-9) {
      ctx.addIssue({
        code: 'custom',
        path: ['runnerRegions'],
        message: `weights must sum to 100, they sum to ${sum}`,
      });
    }
    if (c.metrics && c.timestream) {
      ctx.addIssue({
        code: 'custom',
        path: ['timestream'],
        message: 'give either "metrics" or the legacy "timestream" block, not both',
      });
    }
    if (c.grafana?.enabled && !c.metrics && !c.timestream) {
      ctx.addIssue({
        code: 'custom',
        path: ['grafana'],
        message:
          'the Grafana dashboards read the metrics store: add a "metrics" block (e.g. { "kind": "prometheus" }), or remove "grafana" (or set "enabled": false)',
      });
    }
    const names = new Set<string>();
    c.schedules.forEach((s, i) => {
      if (names.has(s.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['schedules', i, 'name'],
          message: `schedule "${s.name}" is defined twice`,
        });
      }
      names.add(s.name);
      for (const [j, r] of (s.input.regions ?? []).entries()) {
        if (!seen.has(r.name)) {
          ctx.addIssue({
            code: 'custom',
            path: ['schedules', i, 'input', 'regions', j, 'name'],
            message: `no runners in ${r.name}: runner regions are ${[...seen].join(', ')}`,
          });
        }
      }
    });
  });
export type FleetConfig = z.infer<typeof FleetConfigSchema>;
/** What a user writes (defaults not yet applied). */
export type FleetConfigInput = z.input<typeof FleetConfigSchema>;
