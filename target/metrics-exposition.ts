import type { PoolSnapshot } from './db-pool';
import type { TargetStats } from './stats';

/** Content type of the Prometheus text exposition format, version 0.0.4. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

interface Family {
  readonly name: string;
  readonly type: 'counter' | 'gauge';
  readonly help: string;
  readonly samples: readonly { readonly labels?: Readonly<Record<string, string>>; readonly value: number }[];
}

/**
 * The target's `/metrics`: the process metrics every Prometheus client library exports
 * (same names, so dashboards for node_exporter-style apps work), the database pool, and
 * the request/error counters.
 */
export function targetExposition(stats: TargetStats, pool: PoolSnapshot): string {
  const cpu = process.cpuUsage();
  const families: Family[] = [
    {
      name: 'process_cpu_seconds_total',
      type: 'counter',
      help: 'Total user and system CPU time spent in seconds.',
      samples: [{ value: (cpu.user + cpu.system) / 1e6 }],
    },
    {
      name: 'process_resident_memory_bytes',
      type: 'gauge',
      help: 'Resident memory size in bytes.',
      samples: [{ value: process.memoryUsage.rss() }],
    },
    gauge('app_db_pool_size', 'Connections in the database pool.', pool.size),
    gauge('app_db_pool_in_use', 'Pool connections held by a request.', pool.inUse),
    gauge('app_db_pool_waiting', 'Requests waiting for a pool connection.', pool.waiting),
    counter('app_db_pool_acquired_total', 'Pool connections handed out.', pool.acquiredTotal),
    counter(
      'app_db_pool_rejected_total',
      'Requests refused because the wait queue was full.',
      pool.rejectedTotal,
    ),
    counter(
      'app_db_pool_wait_seconds_total',
      'Seconds spent waiting for a connection.',
      pool.waitSecondsTotal,
    ),
    {
      name: 'app_http_requests_total',
      type: 'counter',
      help: 'Requests received, by route key.',
      samples: Object.entries(stats.byRoute).map(([route, value]) => ({ labels: { route }, value })),
    },
    counter('app_http_errors_total', 'Responses with status >= 400.', stats.errors),
  ];
  return families.map(renderFamily).join('');
}

function gauge(name: string, help: string, value: number): Family {
  return { name, type: 'gauge', help, samples: [{ value }] };
}

function counter(name: string, help: string, value: number): Family {
  return { name, type: 'counter', help, samples: [{ value }] };
}

function renderFamily(family: Family): string {
  const lines = [`# HELP ${family.name} ${family.help}`, `# TYPE ${family.name} ${family.type}`];
  for (const sample of family.samples) {
    lines.push(`${family.name}${renderLabels(sample.labels)} ${formatValue(sample.value)}`);
  }
  return `${lines.join('\n')}\n`;
}

function renderLabels(labels: Readonly<Record<string, string>> | undefined): string {
  if (labels === undefined) return '';
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  return `{${pairs.join(',')}}`;
}

/** The exposition format escapes backslash, double quote and line feed in label values. */
function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  return String(value);
}
