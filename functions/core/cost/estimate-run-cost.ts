import type { CostEstimate, CostItem } from '../../contracts';
import type { AwsPriceTable } from './aws-price-table';

/** What a run used, in the units AWS bills (see runFactsOfRun / runFactsOfPlan). */
export interface RunFacts {
  runners: number;
  /** Sum over runner invocations of their wall time. */
  runnerWallMs: number;
  runnerMemoryMb: number;
  architecture: 'arm64' | 'x86_64';
  /** Interval records the runners wrote. */
  intervalRecords: number;
  /** Watch Lambda invocations (one per Step Functions watch tick). */
  watchTicks: number;
  /** Timeline points the watcher wrote. */
  timelineWindows: number;
  /** How often each runner reads control.json and abort.json. */
  controlPollMs: number;
  /** Records written to Timestream (each ≤ 1 KB: one billed write). */
  timestreamWrites: number;
  /** Bytes the runners sent to the target (k6 data_sent): data out of AWS. */
  dataSentBytes: number;
}

/**
 * The control plane's fixed shape, from the stack (lib/stacks/control-stack.ts) and the
 * state machine: memory × typical duration per invocation, S3 calls per tick.
 */
export const CONTROL_PLANE = {
  watchTick: { memoryMb: 1024, seconds: 0.5 },
  /** Validate (512 MB), Plan (1,769 MB, k6 inspect), Dispatch and Finalize (1,024 MB). */
  oneOff: [
    { memoryMb: 512, seconds: 0.3 },
    { memoryMb: 1769, seconds: 3 },
    { memoryMb: 1024, seconds: 1 },
    { memoryMb: 1024, seconds: 2 },
  ],
  /** Start, Validate, Plan, Dispatch, Finalize and their checks, the end state. */
  fixedTransitions: 10,
  /** Watch, its Choice, Wait. */
  transitionsPerTick: 3,
  /** Per runner: claim, ready marker, result. */
  putsPerRunner: 3,
  /** Per tick: control, watch state, status. */
  putsPerTick: 3,
  /** Per run: input, script, plan, summary, report, history line. */
  putsPerRun: 6,
  /** Per tick: plan, watch state, abort.json, plus one next-interval probe per runner. */
  getsPerTick: 3,
  /** Each poll reads control.json and abort.json. */
  getsPerPoll: 2,
} as const;

const item = (name: string, quantity: number, unit: string, unitPrice: number): CostItem => ({
  item: name,
  quantity,
  unit,
  unitPrice,
  costUsd: quantity * unitPrice,
});

/** Prices what a run used with a dated price table. Pure: a hand computation can check it. */
export function estimateRunCost(
  facts: RunFacts,
  prices: AwsPriceTable,
  assumptions: string[] = [],
): CostEstimate {
  const C = CONTROL_PLANE;
  const runnerGbS = (facts.runnerWallMs / 1000) * (facts.runnerMemoryMb / 1024);
  const controlGbS =
    facts.watchTicks * C.watchTick.seconds * (C.watchTick.memoryMb / 1024) +
    C.oneOff.reduce((s, f) => s + f.seconds * (f.memoryMb / 1024), 0);
  const polls = facts.controlPollMs > 0 ? facts.runnerWallMs / facts.controlPollMs : 0;
  const puts =
    facts.runners * C.putsPerRunner +
    facts.intervalRecords +
    facts.watchTicks * C.putsPerTick +
    facts.timelineWindows +
    C.putsPerRun;
  const gets =
    polls * C.getsPerPoll + facts.intervalRecords + facts.watchTicks * (C.getsPerTick + facts.runners);
  const items = [
    item(
      `Runner Lambda compute (${facts.architecture})`,
      runnerGbS,
      'GB-s',
      prices.lambda.gbSecond[facts.architecture],
    ),
    item(
      `Control Lambda compute (${facts.architecture})`,
      controlGbS,
      'GB-s',
      prices.lambda.gbSecond[facts.architecture],
    ),
    item(
      'Lambda requests',
      facts.runners + facts.watchTicks + C.oneOff.length,
      'requests',
      prices.lambda.request,
    ),
    item(
      'Step Functions state transitions',
      C.fixedTransitions + C.transitionsPerTick * facts.watchTicks,
      'transitions',
      prices.stepFunctions.stateTransition,
    ),
    item('S3 PUT/LIST requests', puts, 'requests', prices.s3.putOrList),
    item('S3 GET requests', Math.round(gets), 'requests', prices.s3.get),
    item('Timestream writes', facts.timestreamWrites, '1 KB writes', prices.timestream.write1Kb),
    item('Data out to the target', facts.dataSentBytes / 1e9, 'GB', prices.dataTransfer.outToInternetGb),
  ];
  return {
    currency: 'USD',
    totalUsd: items.reduce((s, i) => s + i.costUsd, 0),
    items,
    pricesAsOf: prices.asOf,
    priceRegion: prices.region,
    assumptions,
  };
}
