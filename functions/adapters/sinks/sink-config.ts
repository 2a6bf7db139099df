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
]);
export type SinkConfig = z.infer<typeof SinkConfigSchema>;

/**
 * Parses the CLI's `--sink` value: `none`, `timestream:<database>/<table>[@<region>]`,
 * `influxdb:<url>#<database>` (url without credentials), or a JSON SinkConfig.
 */
export function parseSinkFlag(flag: string): SinkConfig {
  const f = flag.trim();
  if (f === 'none') return { kind: 'none' };
  if (f.startsWith('{')) return SinkConfigSchema.parse(JSON.parse(f));
  const ts = /^timestream:([^/@]+)\/([^/@]+)(?:@(.+))?$/.exec(f);
  if (ts) {
    return SinkConfigSchema.parse({
      kind: 'timestream',
      database: ts[1],
      table: ts[2],
      ...(ts[3] ? { region: ts[3] } : {}),
    });
  }
  const influx = /^influxdb:(.+)#([^#]+)$/.exec(f);
  if (influx) return SinkConfigSchema.parse({ kind: 'influxdb', url: influx[1], database: influx[2] });
  throw new Error(
    `--sink "${f}": use none, timestream:<database>/<table>[@<region>], influxdb:<url>#<database>, or a JSON sink config`,
  );
}
