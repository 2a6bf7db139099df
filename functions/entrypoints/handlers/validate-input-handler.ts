import { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { createS3Client } from '../../adapters/aws/aws-clients';
import { runIdForExecution } from '../../adapters/aws/run-id-for-execution';
import { S3RunStore } from '../../adapters/store/s3-run-store';
import {
  type RegionWeight,
  RegionWeightSchema,
  type RunInput,
  RunInputSchema,
  runKeys,
  type ScriptSource,
} from '../../contracts';
import { HANDLER_ENV, readHandlerEnv } from '../../contracts/handler-env';
import { type ValidateEvent, ValidateEventSchema, type ValidateResult } from '../../contracts/task-io';

/** The prefix of the bucket that the fleet's functions may read scripts from. */
export const SCRIPTS_PREFIX = 'scripts/';
/** Async Lambda payloads are capped (1 MB); leave room for the rest of the runner event. */
const MAX_ENV_BYTES = 200_000;

const EXAMPLE =
  '{"testName":"checkout","script":{"s3Key":"scripts/checkout.js"},"regions":[{"name":"eu-west-1","weight":100}],"env":{"BASE_URL":"https://…"}}';

const env = readHandlerEnv(
  z.object({
    [HANDLER_ENV.bucket]: z.string().min(3),
    [HANDLER_ENV.bucketRegion]: z.string().min(1),
    [HANDLER_ENV.runnerRegions]: z
      .string()
      .transform((s) => JSON.parse(s) as unknown)
      .pipe(z.array(RegionWeightSchema).min(1)),
    [HANDLER_ENV.maxVusPerRunner]: z.coerce.number().int().positive(),
  }),
);
const runnerRegions: RegionWeight[] = env[HANDLER_ENV.runnerRegions];
const logger = new Logger({ serviceName: 'k6-fleet-validate' });
const store = new S3RunStore(createS3Client(env[HANDLER_ENV.bucketRegion]), env[HANDLER_ENV.bucket]);

const fail = (cause: string): ValidateResult => ({ ok: false, cause });

function issuesText(issues: z.core.$ZodIssue[]): string {
  return issues
    .map((i) => `${i.path.length ? `${i.path.map(String).join('.')}: ` : ''}${i.message}`)
    .join('; ');
}

/**
 * An inline script goes to the run store once, here: the state then carries its key, not
 * its text a second time (Step Functions caps the execution state at 256 KB). Created
 * once per run id (a retried Validate finds its own copy); a string is a refusal.
 */
async function storeInlineScript(script: ScriptSource, runId: string): Promise<ScriptSource | string> {
  if (!('inline' in script)) return script;
  const key = runKeys(runId).script;
  const created = await store.putIfAbsent(key, script.inline, 'application/javascript');
  if (!created && (await store.get(key)) !== script.inline) {
    return `run ${runId} already exists with another script: pick another runId (or execution name)`;
  }
  return { s3Key: key };
}

/**
 * Validate: checks the execution input before anything starts, and applies the fleet's
 * defaults (run id, regions and their weights, VU cap); an inline script is stored under
 * runs/<runId>/script.js and passed on by key. Problems come back as
 * `{ ok: false, cause }`, which the state machine turns into Fail `InvalidInput`.
 */
export const handler = async (rawEvent: unknown): Promise<ValidateResult> => {
  const event: ValidateEvent = ValidateEventSchema.parse(rawEvent);
  const parsed = RunInputSchema.safeParse(event.input);
  if (!parsed.success) {
    logger.warn('invalid run input', { issues: parsed.error.issues.map((i) => i.path.join('.')) });
    return fail(
      `The execution input is not a valid run input: ${issuesText(parsed.error.issues)}. Example: ${EXAMPLE}`,
    );
  }
  const input: RunInput = parsed.data;
  const runId = runIdForExecution(input, event.executionName);

  if ('path' in input.script) {
    return fail(
      `script.path names a file on your machine, which AWS cannot read: upload it to s3://${store.bucket}/${SCRIPTS_PREFIX}… and give {"s3Key":"${SCRIPTS_PREFIX}…"}, or give {"inline":"…"}`,
    );
  }
  if ('s3Key' in input.script) {
    const key = input.script.s3Key;
    if (!key.startsWith(SCRIPTS_PREFIX)) {
      return fail(`script.s3Key must be under ${SCRIPTS_PREFIX} in s3://${store.bucket} (got "${key}")`);
    }
    if ((await store.get(key)) === undefined) {
      return fail(
        `no script at ${store.describe(key)}: upload it first (aws s3 cp script.js ${store.describe(key)})`,
      );
    }
  }

  const deployed = new Set(runnerRegions.map((r) => r.name));
  const missing = (input.regions ?? []).filter((r) => !deployed.has(r.name)).map((r) => r.name);
  if (missing.length > 0) {
    return fail(
      `no runners deployed in ${missing.join(', ')}: this fleet has runners in ${[...deployed].join(', ')} (add regions to the fleet config and deploy to use others)`,
    );
  }

  const envBytes = Buffer.byteLength(JSON.stringify(input.env ?? {}));
  if (envBytes > MAX_ENV_BYTES) {
    return fail(
      `env is ${envBytes} bytes; keep it under ${MAX_ENV_BYTES} (each runner receives it in its invocation)`,
    );
  }

  const script = await storeInlineScript(input.script, runId);
  if (typeof script === 'string') return fail(script);

  const normalized: RunInput = {
    ...input,
    script,
    runId,
    regions: input.regions ?? runnerRegions,
    env: input.env ?? {},
    ...(input.runnersPerRegion === undefined && input.maxVusPerRunner === undefined
      ? { maxVusPerRunner: env[HANDLER_ENV.maxVusPerRunner] }
      : {}),
  };
  logger.info('run input valid', { runId, testName: input.testName, envKeys: Object.keys(input.env ?? {}) });
  return { ok: true, runId, input: RunInputSchema.parse(normalized) };
};
