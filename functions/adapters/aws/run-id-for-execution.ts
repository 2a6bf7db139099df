import { isRunId } from '../../contracts/run-id';

/**
 * The run id of a Step Functions execution: the input's runId when given (the CLI does),
 * else the execution's name (unique per state machine; the console and Scheduler use
 * UUIDs). Validate and the status-change handler both call this, so a console stop finds
 * the run without any lookup table.
 */
export function runIdForExecution(input: unknown, executionName: string): string {
  if (input && typeof input === 'object' && 'runId' in input) {
    const id = (input as { runId: unknown }).runId;
    if (isRunId(id)) return id;
  }
  const cleaned = executionName
    .replace(/[^A-Za-z0-9_-]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 80);
  return cleaned || 'run';
}
