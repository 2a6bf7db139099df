import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  RUN_FINISHED_DETAIL_TYPE,
  RUN_FINISHED_SOURCE,
  type RunFinishedDetail,
  RunFinishedDetailSchema,
} from '../../contracts';

/** Sends `k6-fleet Run Finished` (verdict + where the summary is) to an event bus. */
export async function publishRunFinished(
  client: EventBridgeClient,
  eventBusName: string,
  detail: RunFinishedDetail,
): Promise<void> {
  const out = await client.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: eventBusName,
          Source: RUN_FINISHED_SOURCE,
          DetailType: RUN_FINISHED_DETAIL_TYPE,
          Detail: JSON.stringify(RunFinishedDetailSchema.parse(detail)),
        },
      ],
    }),
  );
  // PutEvents reports per-entry failures in a 200 answer, not as an exception.
  if (out.FailedEntryCount) {
    const entry = out.Entries?.[0];
    throw new Error(
      `EventBridge rejected the Run Finished event: ${entry?.ErrorCode} ${entry?.ErrorMessage}`,
    );
  }
}
