/** Canonical key of a tag set (order-independent), for maps of streams. */
export function tagsKey(tags: Readonly<Record<string, string>>): string {
  const keys = Object.keys(tags).sort();
  return JSON.stringify(keys.map((k) => [k, tags[k]]));
}

/** Canonical key of one stream: metric name × tag set. */
export function seriesKey(metric: string, tags: Readonly<Record<string, string>>): string {
  return `${metric}\u0000${tagsKey(tags)}`;
}

/** Whether `tags` has every pair of `filter` (k6 submetric semantics). */
export function tagsMatch(
  tags: Readonly<Record<string, string>>,
  filter: Readonly<Record<string, string>>,
): boolean {
  for (const k in filter) {
    if (tags[k] !== filter[k]) return false;
  }
  return true;
}
