import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Node } from 'constructs';
import { type FleetConfig, FleetConfigSchema } from './fleet-config-schema';

/** The cdk.json context key that holds the config (inline) or names its JSON file. */
export const FLEET_CONFIG_CONTEXT_KEY = 'k6fleet';

/** A config problem, worded for the person editing cdk.json. */
export class FleetConfigError extends Error {
  override readonly name = 'FleetConfigError';
}

/** Parses a config value; the error names each bad field as `k6fleet.a.b[2].c`. */
export function parseFleetConfig(value: unknown, source = FLEET_CONFIG_CONTEXT_KEY): FleetConfig {
  const parsed = FleetConfigSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const field = issue.path.reduce<string>(
      (s, p) => (typeof p === 'number' ? `${s}[${p}]` : `${s}.${String(p)}`),
      FLEET_CONFIG_CONTEXT_KEY,
    );
    return `  ${field}: ${issue.message}`;
  });
  throw new FleetConfigError(`invalid fleet config (${source}):\n${lines.join('\n')}`);
}

/**
 * Reads the config from construct context (`cdk.json` → context → `k6fleet`, or
 * `-c k6fleet=path/to/fleet.json`): either the config object itself or the path of a
 * JSON file, relative to `baseDir` (the folder of cdk.json).
 */
export function loadFleetConfig(node: Node, baseDir = process.cwd()): FleetConfig {
  const value: unknown = node.tryGetContext(FLEET_CONFIG_CONTEXT_KEY);
  if (value === undefined) {
    throw new FleetConfigError(
      `no fleet config: set context "${FLEET_CONFIG_CONTEXT_KEY}" in cdk.json to a config object or to the path of a JSON file (see config/fleet.sample.json)`,
    );
  }
  if (typeof value !== 'string') return parseFleetConfig(value);
  const file = isAbsolute(value) ? value : resolve(baseDir, value);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new FleetConfigError(`cannot read fleet config file ${file}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new FleetConfigError(`fleet config file ${file} is not valid JSON: ${(e as Error).message}`);
  }
  return parseFleetConfig(json, file);
}
