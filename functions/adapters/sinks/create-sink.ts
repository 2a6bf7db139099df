import { type SinkConfig, SinkConfigSchema } from '../../contracts/sink-config';
import type { DeliveryOptions } from './delivery-queue';
import { InfluxDbSink } from './influxdb-sink';
import type { MetricsSink } from './metrics-sink';
import { NullSink } from './null-sink';
import { PrometheusSink } from './prometheus-sink';
import { sigV4Signer } from './sigv4-request-signer';
import { TimestreamSink } from './timestream-sink';

export interface CreateSinkOptions {
  /** Where `passwordEnv` is looked up. @default process.env */
  env?: Record<string, string | undefined>;
  delivery?: Partial<Omit<DeliveryOptions, 'name' | 'maxBatchItems' | 'maxBatchBytes'>>;
}

/** The sink a config names. Throws (without echoing any secret) when a named password env var is unset. */
export function createSink(config: SinkConfig, options: CreateSinkOptions = {}): MetricsSink {
  const c = SinkConfigSchema.parse(config);
  switch (c.kind) {
    case 'none':
      return new NullSink();
    case 'timestream':
      return new TimestreamSink({
        database: c.database,
        table: c.table,
        region: c.region,
        endpoint: c.endpoint,
        delivery: options.delivery,
      });
    case 'influxdb': {
      const env = options.env ?? process.env;
      let password: string | undefined;
      if (c.passwordEnv) {
        password = env[c.passwordEnv];
        if (!password) throw new Error(`influxdb sink: env var ${c.passwordEnv} (passwordEnv) is not set`);
      }
      return new InfluxDbSink({
        url: c.url,
        database: c.database,
        retentionPolicy: c.retentionPolicy,
        username: c.username,
        password,
        delivery: options.delivery,
      });
    }
    case 'prometheus': {
      const sigv4 = c.sigv4 ?? ampRegion(c.url);
      return new PrometheusSink({
        url: c.url,
        nativeHistograms: c.nativeHistograms,
        sign: sigv4 ? sigV4Signer(sigv4) : undefined,
        delivery: options.delivery,
      });
    }
  }
}

/** An Amazon Managed Service for Prometheus endpoint (aps-workspaces.<region>.amazonaws.com) is always signed. */
export function ampRegion(url: string): { region: string } | undefined {
  const m = /^aps-workspaces\.([a-z0-9-]+)\.amazonaws\.com$/.exec(new URL(url).hostname);
  return m ? { region: m[1]! } : undefined;
}
