import { FleetOutputReceiver } from '../../adapters/k6/fleet-output-receiver';
import { keptTagKeys } from '../../adapters/k6/k6-run-args';
import { OtlpReceiver } from '../../adapters/otlp/otlp-receiver';
import type { MetricsOutputKind, Plan, Series } from '../../contracts';

/** The runner's end of k6's metrics stream, whichever output k6 uses. */
export interface MetricsReceiver {
  readonly kind: MetricsOutputKind;
  /** Where k6 sends (K6RunSpec's otlpEndpoint / fleetOutputUrl). */
  readonly k6Target: { otlpEndpoint: string; fleetOutputUrl?: string };
  /** Everything received since the last drain, one series per metric × kept tags. */
  drain(): Series[];
  stop(): Promise<void>;
}

/**
 * Starts the receiver for `kind`. The fleet output filters tags inside k6 (K6_FLEET_KEEP_TAGS);
 * OTLP gets them all and the receiver keeps the same set.
 */
export async function startMetricsReceiver(kind: MetricsOutputKind, plan: Plan): Promise<MetricsReceiver> {
  if (kind === 'fleet') {
    const r = await FleetOutputReceiver.start();
    return {
      kind,
      k6Target: { otlpEndpoint: '', fleetOutputUrl: r.url },
      drain: () => r.drain(),
      stop: () => r.stop(),
    };
  }
  const r = await OtlpReceiver.start({ keepTags: keptTagKeys(plan) });
  return { kind, k6Target: { otlpEndpoint: r.endpoint }, drain: () => r.drain(), stop: () => r.stop() };
}
