import { resolve } from 'node:path';
import { LocalRunStore } from '../../adapters/store/local-run-store';
import type { RunStore } from '../../adapters/store/run-store';
import type { FleetStack } from './aws/fleet-stack';

export interface HistoryStoreFlags {
  /** Local run store folder. @default ".k6-fleet" */
  outDir?: string;
  /** Read the run store of this control stack (S3) instead. */
  stack?: string;
  stackRegion?: string;
}

/** The run store the history commands read: the local folder, or the bucket of a stack. */
export async function historyStoreFromFlags(
  flags: HistoryStoreFlags,
  connect?: (o: { stackName: string; stackRegion?: string }) => Promise<FleetStack>,
): Promise<{ store: RunStore; close: () => void }> {
  if (!flags.stack)
    return { store: new LocalRunStore(resolve(flags.outDir ?? '.k6-fleet')), close: () => {} };
  const { connectFleetStack } = await import('./aws/connect-fleet-stack');
  const stack = await (connect ?? connectFleetStack)({
    stackName: flags.stack,
    stackRegion: flags.stackRegion,
  });
  return { store: stack.store, close: () => stack.close() };
}
