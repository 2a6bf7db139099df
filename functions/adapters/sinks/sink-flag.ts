import { type SinkConfig, SinkConfigSchema } from '../../contracts/sink-config';

/** Re-exported for the sinks' barrel: the schema itself lives in contracts/. */
export { type SinkConfig, SinkConfigSchema };

/**
 * Parses the CLI's `--sink` value: `none`, `timestream:<database>/<table>[@<region>]`,
 * `influxdb:<url>#<database>` (url without credentials), `prometheus:<remote-write url>`, or a
 * JSON SinkConfig.
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
  const prom = /^prometheus:(.+)$/.exec(f);
  if (prom) {
    const parsed = SinkConfigSchema.safeParse({ kind: 'prometheus', url: prom[1] });
    if (!parsed.success)
      throw new Error(
        `--sink "${f}": prometheus:<url> needs an http(s) remote-write url without credentials`,
      );
    return parsed.data;
  }
  throw new Error(
    `--sink "${f}": use none, timestream:<database>/<table>[@<region>], influxdb:<url>#<database>, prometheus:<url>, or a JSON sink config`,
  );
}
