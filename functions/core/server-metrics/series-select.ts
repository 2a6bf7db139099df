import type { SeriesSelect } from '../../contracts/server-metrics';
import type { PromSample } from './prometheus-text';

/** `name{a="x",b="y"}` with labels sorted, or just `name`: the key a series keeps across scrapes. */
export function seriesKey(name: string, labels: Readonly<Record<string, string>>): string {
  const names = Object.keys(labels).sort();
  if (names.length === 0) return name;
  return `${name}{${names.map((n) => `${n}=${JSON.stringify(labels[n])}`).join(',')}}`;
}

/** A `*`-only glob as an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

/** Compiles a selection once; the returned test runs per sample per scrape. */
export function seriesFilter(select: SeriesSelect | undefined): (sample: PromSample) => boolean {
  const names = select?.names?.map(globToRegExp);
  const labels = Object.entries(select?.labels ?? {}).map(([k, g]) => [k, globToRegExp(g)] as const);
  return (sample) => {
    // Buckets are one series per `le`: never correlated on their own.
    if (sample.name.endsWith('_bucket') || sample.name.endsWith('_created')) return false;
    if (names !== undefined && !names.some((re) => re.test(sample.name))) return false;
    return labels.every(([k, re]) => {
      const v = sample.labels[k];
      return v !== undefined && re.test(v);
    });
  };
}
