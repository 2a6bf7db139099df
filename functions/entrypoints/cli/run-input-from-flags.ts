import { basename } from 'node:path';
import type { RunInput } from '../../contracts';
import type { RunFlags } from './run-command';

/**
 * The run input of `k6-fleet run`, locally and with --stack alike: the test is named after
 * the script file unless --test-name says otherwise, and flags left out stay out, so the
 * planner's defaults (or, on AWS, the fleet's configured regions) apply.
 */
export function runInputFromFlags(
  scriptPath: string,
  script: RunInput['script'],
  flags: RunFlags,
  runId?: string,
): RunInput {
  return {
    ...(runId !== undefined ? { runId } : {}),
    testName: flags.testName ?? basename(scriptPath).replace(/\.[cm]?js$/, ''),
    script,
    ...(flags.region ? { regions: flags.region } : {}),
    ...(flags.runnersPerRegion ? { runnersPerRegion: flags.runnersPerRegion } : {}),
    ...(flags.maxVusPerRunner ? { maxVusPerRunner: flags.maxVusPerRunner } : {}),
    env: flags.env ?? {},
    tags: flags.tag ?? {},
    ...(flags.interval ? { intervalSeconds: flags.interval } : {}),
    ...(flags.heartbeatTimeout ? { heartbeatTimeoutSeconds: flags.heartbeatTimeout } : {}),
    ...(flags.baseline ? { baseline: flags.baseline } : {}),
    ...(flags.failOnRegression ? { failOnRegression: true } : {}),
    ...(flags.serverMetrics?.length
      ? {
          serverMetrics: flags.serverMetrics.map((url) => ({
            kind: 'prometheus' as const,
            url,
            ...(flags.serverMetricsOptional ? { optional: true } : {}),
          })),
        }
      : {}),
  };
}
