import { type Plan, PlanSchema, runKeys } from '../../contracts';
import { getJson, type RunStore } from './run-store';

/** The run's plan (runs/<runId>/plan.json), which every part of a run follows. */
export async function loadPlan(store: RunStore, runId: string): Promise<Plan> {
  const plan = await getJson(store, runKeys(runId).plan, (v) => PlanSchema.parse(v));
  if (!plan) throw new Error(`no plan for run ${runId} in ${store.describe(runKeys(runId).plan)}`);
  return plan;
}
