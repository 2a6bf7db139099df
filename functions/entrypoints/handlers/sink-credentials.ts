import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { sinkFromEnv } from '../../adapters/aws/sink-from-env';
import type { MetricsSink } from '../../adapters/sinks/metrics-sink';
import { HANDLER_ENV } from '../../contracts/handler-env';
import { SinkConfigSchema } from '../../contracts/sink-config';

/** The store's secret: the InfluxDB admin credentials, plus an API token once one is stored. */
export const SinkCredentialsSchema = z.object({
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  token: z.string().min(1).optional(),
});
export type SinkCredentials = z.infer<typeof SinkCredentialsSchema>;

export async function readSinkCredentials(
  client: SecretsManagerClient,
  secretId: string,
): Promise<SinkCredentials> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (!out.SecretString) throw new Error(`secret ${secretId} has no SecretString`);
  const parsed = SinkCredentialsSchema.safeParse(JSON.parse(out.SecretString));
  // Never echo the secret: name the fields only.
  if (!parsed.success)
    throw new Error(`secret ${secretId}: expected JSON with username/password/token strings`);
  return parsed.data;
}

/**
 * The metrics sink from K6_FLEET_SINK, its password read from the secret K6_FLEET_SINK_SECRET_ARN
 * names (once, at cold start). The secret stays in this process: the function's environment
 * holds only the secret's ARN. A `token` wins (Token auth); else username + password (Basic).
 */
export async function sinkWithSecret(
  client: SecretsManagerClient,
  env: NodeJS.ProcessEnv = process.env,
): Promise<MetricsSink | undefined> {
  const secretArn = env[HANDLER_ENV.sinkSecretArn];
  const text = env[HANDLER_ENV.sink];
  if (!secretArn || !text) return sinkFromEnv(env);
  const config = SinkConfigSchema.parse(JSON.parse(text));
  if (config.kind !== 'influxdb' || !config.passwordEnv) return sinkFromEnv(env);
  const c = await readSinkCredentials(client, secretArn);
  const password = c.token ?? c.password;
  if (!password) throw new Error(`secret ${secretArn} holds neither token nor password`);
  const withCreds = { ...config, username: c.token ? undefined : (c.username ?? config.username) };
  return sinkFromEnv({
    ...env,
    [HANDLER_ENV.sink]: JSON.stringify(withCreds),
    [config.passwordEnv]: password,
  });
}
