import type { Latency } from './profile';
import { type Random, standardNormal } from './random';

/** Draws one delay in ms (≥ 0) from the route's configured distribution. */
export type LatencySampler = (random: Random) => number;

export function latencySampler(latency: Latency): LatencySampler {
  switch (latency.kind) {
    case 'fixed': {
      const { ms } = latency;
      return () => ms;
    }
    case 'uniform': {
      const { minMs, maxMs } = latency;
      const span = maxMs - minMs;
      return (random) => minMs + span * random();
    }
    case 'normal': {
      const { meanMs, sdMs } = latency;
      return (random) => Math.max(0, meanMs + sdMs * standardNormal(random));
    }
    case 'lognormal': {
      const { medianMs, sigma } = latency;
      if (medianMs === 0) return () => 0;
      const mu = Math.log(medianMs);
      return (random) => Math.exp(mu + sigma * standardNormal(random));
    }
  }
}
