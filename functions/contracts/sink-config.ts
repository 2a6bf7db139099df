import { z } from 'zod';

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'env var names are letters, digits and _');

/**
 * Which metrics sink a run writes to: the CLI's `--sink` and the CDK config. Secrets are
 * never part of it: `passwordEnv` names the env var that holds the password / token.
 */
export const SinkConfigSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  z
    .object({
      kind: z.literal('timestream'),
      database: z.string().min(3).max(256),
      table: z.string().min(3).max(256),
      region: z.string().min(1).optional(),
      /** A fixed endpoint (emulator, VPC endpoint); endpoint discovery is skipped then. */
      endpoint: z.url().optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('influxdb'),
      url: z.url().refine((u) => {
        const parsed = new URL(u);
        return parsed.username === '' && parsed.password === '';
      }, 'no credentials in the url: set username and passwordEnv instead'),
      database: z.string().min(1),
      username: z.string().min(1).optional(),
      /** Env var holding the password (v1) or token (v2 / Timestream for InfluxDB). */
      passwordEnv: envName.optional(),
      retentionPolicy: z.string().min(1).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('prometheus'),
      /** Remote-write endpoint (Prometheus: …/api/v1/write; AMP: …/workspaces/<id>/api/v1/remote_write). */
      url: z.url().refine((u) => {
        if (!URL.canParse(u)) return false;
        const parsed = new URL(u);
        return /^https?:$/.test(parsed.protocol) && parsed.username === '' && parsed.password === '';
      }, 'an http(s) url without credentials'),
      /** Sign requests with SigV4 (Amazon Managed Service for Prometheus). @default from an aps-workspaces url */
      sigv4: z
        .object({ region: z.string().min(1), service: z.string().min(1).optional() })
        .strict()
        .optional(),
      /** Trends as native histograms (receiver needs them on); else k6's stat gauges. @default true */
      nativeHistograms: z.boolean().optional(),
    })
    .strict(),
]);
export type SinkConfig = z.infer<typeof SinkConfigSchema>;
