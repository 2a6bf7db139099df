import { HANDLER_ENV } from '../../contracts/handler-env';
import { SinkConfigSchema } from '../../contracts/sink-config';
import { createSink } from '../sinks/create-sink';
import type { MetricsSink } from '../sinks/metrics-sink';

/**
 * The metrics sink a control Lambda writes to, from K6_FLEET_SINK (a JSON SinkConfig the
 * infrastructure sets, e.g. the fleet's Timestream table); undefined when unset.
 */
export function sinkFromEnv(env: NodeJS.ProcessEnv = process.env): MetricsSink | undefined {
  const text = env[HANDLER_ENV.sink];
  if (!text) return undefined;
  return createSink(SinkConfigSchema.parse(JSON.parse(text)), { env });
}
