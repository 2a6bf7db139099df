import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { compareDashboard } from './compare-dashboard';
import type { Flavor } from './datasources';
import { historyDashboard } from './history-dashboard';
import { influxqlDialect } from './influxql-dialect';
import { liveDashboard } from './live-dashboard';
import { promqlDialect } from './promql-dialect';
import type { QueryDialect } from './query-dialect';
import { timestreamDialect } from './timestream-dialect';

export const DIALECTS: Record<Flavor, QueryDialect> = {
  timestream: timestreamDialect,
  influxdb: influxqlDialect,
  prometheus: promqlDialect,
};

export type DashboardName = 'live' | 'compare' | 'history';

/** Every dashboard for one data source, as Grafana JSON models (functions stripped). */
export function buildDashboards(flavor: Flavor): Record<DashboardName, Dashboard> {
  const d = DIALECTS[flavor];
  const plain = (b: { build(): Dashboard }): Dashboard => {
    const dash = JSON.parse(JSON.stringify(b.build())) as Dashboard;
    // Grafana wants unique panel ids (links and "view panel" use them); the builders leave them unset.
    dash.panels?.forEach((p, i) => {
      p.id = i + 1;
    });
    return dash;
  };
  return {
    live: plain(liveDashboard(d)),
    compare: plain(compareDashboard(d)),
    history: plain(historyDashboard(d)),
  };
}
