import { KEPT_TAGS, type ThresholdSpec } from '../../contracts';
import { parseMetricSelector } from '../thresholds/parse-selector';

/** Tag keys the thresholds select on beyond KEPT_TAGS: the runners must keep them too. */
export function thresholdTagKeys(thresholds: Record<string, ThresholdSpec[]>): string[] {
  const extraTagKeys = new Set<string>();
  for (const selector of Object.keys(thresholds)) {
    for (const key of Object.keys(parseMetricSelector(selector).tags)) {
      if (!(KEPT_TAGS as readonly string[]).includes(key)) extraTagKeys.add(key);
    }
  }

  return [...extraTagKeys].sort();
}
