import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectScript, K6InspectError } from '../../adapters/k6/k6-inspect';
import { getJson, putJson, type RunStore } from '../../adapters/store/run-store';
import { type Plan, PlanSchema, type RunInput, RunInputSchema, runKeys } from '../../contracts';
import { buildPlan } from '../../core/planner/build-plan';
import { scenariosFromOptions } from '../../core/planner/k6-scenarios';
import { InvalidInputError, ScriptError } from '../../core/planner/plan-errors';
import type { RelayBudget } from '../../core/planner/relay-windows';
import { exportsFunction } from '../../core/planner/script-features';
import { parseK6Duration } from '../../core/thresholds/duration';
import { KNOWN_METRIC_TYPES } from '../../core/thresholds/metric-types';
import { normalizeThresholds } from '../../core/thresholds/normalize';
import { validateThresholds } from '../../core/thresholds/validate';
import { plannedBaseline } from '../finalizer/compare-with-baseline';
import { type ProbeOptions, probeServerMetrics } from './probe-server-metrics';

export interface PlanRunDeps {
  store: RunStore;
  k6Path: string;
  /** The script's source text (the caller resolved path / inline / S3 key). */
  scriptText: string;
  now?: () => number;
  /** Longest test one runner may host; null = no limit (local mode). */
  runnerLimitMs?: number | null;
  /** How server metric sources are probed (CloudWatch needs the AWS one). @default Prometheus only */
  serverProbe?: ProbeOptions;
  /** Told about optional server metric sources that failed their probe. */
  onWarning?: (message: string) => void;
  /** The runner's memory in MB (AWS: the configured Lambda memory); null = unknown (local). */
  runnerMemoryMb?: number | null;
  runnerArchitecture?: 'arm64' | 'x86_64';
  /** A runner invocation's limit and margins: a longer test is planned as relay windows. */
  relayBudget?: RelayBudget | null;
}

/** Run ids sort by time and stay unique across parallel starts. */
export function newRunId(now: number): string {
  const t = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  return `${t}-${randomBytes(3).toString('hex')}`;
}

/** Formats zod issues as "field: message" lines a user can act on. */
export function describeIssues(issues: { path: PropertyKey[]; message: string }[]): string {
  return issues
    .map((i) => `${i.path.length ? `${i.path.map(String).join('.')}: ` : ''}${i.message}`)
    .join('; ');
}

/** The input as stored in input.json: env values masked (they may be secrets). */
function maskedInput(input: RunInput): RunInput {
  return {
    ...input,
    env: Object.fromEntries(
      Object.keys(input.env ?? {})
        .sort()
        .map((k) => [k, '***']),
    ),
  };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The plan already stored for this run id, when it was made from this same input and
 * script: a Plan retried after it succeeded (a lost response) gets the same plan back, so
 * runners already dispatched on it stay right. Another input under a taken id is refused.
 */
async function samePlanAgain(
  store: RunStore,
  input: RunInput,
  scriptText: string,
  runId: string,
): Promise<Plan | undefined> {
  const keys = runKeys(runId);
  const found = await getJson(store, keys.plan, (v) => PlanSchema.safeParse(v));
  if (!found) return undefined;
  const plan = found.success ? found.data : undefined;
  const stored = await store.get(keys.input);
  if (plan?.script.sha256 === sha256(scriptText) && stored === JSON.stringify(maskedInput(input)))
    return plan;
  throw new InvalidInputError(`run ${runId} already exists: pick another runId`);
}

/**
 * Validates the run input, asks k6 about the script (with the run's env vars), splits it
 * across regions and runners, and writes plan.json + the script to the run store.
 * Throws InvalidInputError (exit 104) or ScriptError (exit 107) before any load.
 */
export async function planRun(rawInput: unknown, deps: PlanRunDeps): Promise<Plan> {
  const parsed = RunInputSchema.safeParse(rawInput);
  if (!parsed.success)
    throw new InvalidInputError(`invalid run input: ${describeIssues(parsed.error.issues)}`);
  const input: RunInput = parsed.data;
  const now = (deps.now ?? Date.now)();
  const runId = input.runId ?? newRunId(now);
  const keys = runKeys(runId);
  const existing = await samePlanAgain(deps.store, input, deps.scriptText, runId);
  if (existing) return existing;

  const dir = await mkdtemp(join(tmpdir(), 'k6-fleet-plan-'));
  try {
    const scriptPath = join(dir, 'script.js');
    await writeFile(scriptPath, deps.scriptText);
    const inspection = await inspectScript(deps.k6Path, scriptPath, input.env ?? {}).catch((e: unknown) => {
      if (e instanceof K6InspectError) {
        const Err = e.exitCode === 107 ? ScriptError : InvalidInputError;
        throw new Err(`k6 rejected the script: ${e.message}`);
      }
      throw e;
    });
    let thresholds: Plan['thresholds'];
    try {
      thresholds = normalizeThresholds(inspection.thresholds);
    } catch (e) {
      throw new InvalidInputError(`invalid thresholds: ${(e as Error).message}`);
    }
    const problems = validateThresholds(thresholds, KNOWN_METRIC_TYPES);
    if (problems.length) throw new InvalidInputError(`invalid thresholds: ${problems.join('; ')}`);
    const plan = buildPlan(
      input,
      {
        key: keys.script,
        sha256: sha256(deps.scriptText),
        hasSetup: exportsFunction(deps.scriptText, 'setup'),
        hasTeardown: exportsFunction(deps.scriptText, 'teardown'),
        maxVUs: inspection.maxVUs,
        totalDurationMs: parseK6Duration(inspection.totalDuration),
        thresholds,
        summaryTrendStats: inspection.summaryTrendStats,
        scenarios: deps.relayBudget ? scenariosFromOptions(inspection.options) : undefined,
      },
      {
        runId,
        now,
        runnerLimitMs: deps.runnerLimitMs ?? null,
        runnerMemoryMb: deps.runnerMemoryMb ?? null,
        runnerArchitecture: deps.runnerArchitecture,
        relayBudget: deps.relayBudget ?? null,
      },
    );
    // Before anything is written: a baseline that cannot be compared with is a bad input.
    const baseline = await plannedBaseline(deps.store, input, plan.testName);
    if (baseline) plan.baseline = baseline;
    // Before anything is written: a source that cannot be read is a bad input, as a bad script is.
    if (input.serverMetrics?.length) {
      const warnings = await probeServerMetrics(input.serverMetrics, deps.serverProbe);
      for (const w of warnings) deps.onWarning?.(w);
      plan.serverMetrics = input.serverMetrics;
    }
    await deps.store.put(keys.script, deps.scriptText, 'application/javascript');
    // The input as given, minus env values: they may be secrets and go to runners only.
    await putJson(deps.store, keys.input, maskedInput(input));
    // Created once: a concurrent planner of the same run returns the plan that won.
    if (await deps.store.putIfAbsent(keys.plan, JSON.stringify(plan), 'application/json')) return plan;
    return (await samePlanAgain(deps.store, input, deps.scriptText, runId)) ?? plan;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
