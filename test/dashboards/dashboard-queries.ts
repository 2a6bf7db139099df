import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { type Flavor, PLUGIN } from '../../functions/adapters/grafana/datasources';

/** Every metrics-store query a dashboard runs: panel targets, annotation targets, variable queries. */
export interface FoundQuery {
  where: string;
  text: string;
  /** PromQL: an instant query (tables) rather than a range query. */
  instant?: boolean;
}

interface TargetLike {
  rawQuery?: string | boolean;
  query?: string;
  expr?: string;
  instant?: boolean;
}

function targetText(flavor: Flavor, t: TargetLike): string | null {
  if (flavor === 'timestream' && typeof t.rawQuery === 'string') return t.rawQuery;
  if (flavor === 'influxdb' && typeof t.query === 'string') return t.query;
  if (flavor === 'prometheus' && typeof t.expr === 'string') return t.expr;
  return null;
}

export function metricsQueries(flavor: Flavor, dash: Dashboard): FoundQuery[] {
  const out: FoundQuery[] = [];
  for (const p of dash.panels ?? []) {
    const panel = p as { title?: string; datasource?: { type?: string }; targets?: TargetLike[] };
    if (panel.datasource?.type !== PLUGIN[flavor]) continue;
    for (const t of panel.targets ?? []) {
      const text = targetText(flavor, t);
      if (text) out.push({ where: `panel "${panel.title}"`, text, instant: t.instant === true });
    }
  }
  for (const a of dash.annotations?.list ?? []) {
    const text = a.target ? targetText(flavor, a.target as TargetLike) : null;
    if (text) out.push({ where: `annotation "${a.name}"`, text });
  }
  for (const v of dash.templating?.list ?? []) {
    if (v.type === 'query' && typeof v.query === 'string')
      out.push({ where: `variable $${v.name}`, text: v.query });
  }
  return out;
}

/** What one query names: quoted identifiers (minus its own aliases), measures, and dim = 'value' pairs. */
export interface QueryNames {
  identifiers: string[];
  aliases: string[];
  measures: string[];
  dimValues: { dim: string; value: string }[];
}

export function namesIn(flavor: Flavor, text: string): QueryNames {
  const aliases = [...text.matchAll(/\bAS "([^"]+)"/gi)].map((m) => m[1]!);
  const quoted = [...text.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
  const measures =
    flavor === 'timestream'
      ? [...text.matchAll(/measure_name = '([^']+)'/g)].map((m) => m[1]!)
      : [...text.matchAll(/\bFROM "([^"]+)"/g)].map((m) => m[1]!);
  const identifiers = quoted.filter(
    (q) => !aliases.includes(q) && !(flavor === 'influxdb' && measures.includes(q)),
  );
  const dimValues = [...text.matchAll(/"([^"]+)" = '([^'$]+)'/g)].map((m) => ({ dim: m[1]!, value: m[2]! }));
  return { identifiers, aliases, measures, dimValues };
}
