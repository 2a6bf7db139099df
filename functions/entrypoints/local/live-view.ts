import pc from 'picocolors';
import type { LiveStats, Plan, RunStatus } from '../../contracts';

const num = (v: number | null, digits = 0) => (v === null || Number.isNaN(v) ? '—' : v.toFixed(digits));
const ms = (v: number | null) =>
  v === null ? '—' : v >= 1000 ? `${(v / 1000).toFixed(2)}s` : `${v.toFixed(1)}ms`;
const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(2)}%`);

function bar(fraction: number, width: number): string {
  const f = Math.max(0, Math.min(1, fraction));
  const full = Math.round(f * width);
  return `[${'='.repeat(Math.max(0, full - 1))}${full > 0 ? '>' : ''}${' '.repeat(width - full)}]`;
}

function row(name: string, s: LiveStats | undefined): string {
  if (!s) return `  ${name.padEnd(18)} ${'waiting for data'}`;
  return `  ${name.padEnd(18)} ${num(s.rps, 1).padStart(9)} req/s  p95 ${ms(s.p95).padStart(9)}  err ${pct(s.errorRate).padStart(7)}  VUs ${num(s.vus).padStart(5)}`;
}

/**
 * The live terminal view of a fleet run: a progress bar to the planned end, then per
 * region and for the fleet the last window's requests/s, p95, error rate and VUs.
 */
export function renderLiveView(status: RunStatus, regions: string[], color: boolean): string {
  const c = color ? pc : pc.createColors(false);
  const planned = Math.max(1, status.plannedDurationMs);
  const elapsed = status.elapsedMs / 1000;
  const lines = [
    `${c.bold('k6-fleet')} ${status.testName} ${c.dim(status.runId)}  ${c.cyan(status.phase)}`,
    `  ${bar(status.elapsedMs / planned, 30)} ${elapsed.toFixed(0)}s / ${(planned / 1000).toFixed(0)}s (planned max)`,
  ];
  for (const r of regions) lines.push(row(r, status.current?.regions[r]));
  lines.push(c.bold(row('fleet', status.current?.global)));
  const states = status.runners.reduce<Record<string, number>>((acc, r) => {
    acc[r.state] = (acc[r.state] ?? 0) + 1;
    return acc;
  }, {});
  lines.push(
    `  runners: ${Object.entries(states)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ')}`,
  );
  const failing = status.thresholds.filter((t) => !t.ok);
  if (status.thresholds.length) {
    lines.push(
      `  thresholds: ${status.thresholds.length - failing.length}/${status.thresholds.length} ok${failing.length ? ` — failing: ${failing.map((t) => c.red(`${t.metric} ${t.expr}`)).join(', ')}` : ''}`,
    );
  }
  lines.push(...serverLines(status, c));
  const latest = status.anomalies?.at(-1);
  if (latest) lines.push(c.yellow(`  anomalies: ${status.anomalies!.length}, latest: ${latest.message}`));
  if (status.abort) lines.push(c.yellow(`  aborting: ${status.abort.reason}`));
  return lines.join('\n');
}

/** The server side: the top series' latest values (strongest correlates first) and failed reads. */
function serverLines(status: RunStatus, c: ReturnType<typeof pc.createColors>): string[] {
  const server = status.server;
  if (server === undefined) return [];
  const values = server.top.map(
    (s) => `${s.series} ${Number.isInteger(s.value) ? s.value : s.value.toFixed(2)}`,
  );
  const failed = server.sources.filter((s) => s.failures > 0);
  const lines = [`  server: ${values.length ? values.join(', ') : 'waiting for data'}`];
  for (const s of failed) {
    lines.push(
      c.yellow(`  server source ${s.source}: ${s.failures}/${s.scrapes} reads failed (${s.lastError ?? ''})`),
    );
  }
  const top = server.correlations[0];
  if (top) lines.push(`  server correlate: ${top.series} ~ ${top.metric}, r = ${top.r.toFixed(2)}`);
  return lines;
}

/** The line that announces a planned run: its runners per region and the VUs at most. */
export function planAnnouncement(plan: Plan): string {
  const regions = plan.regions.map((r) => `${r.name} (${r.weight}%, ${r.runners})`).join(', ');
  return `run ${plan.runId} — ${plan.runners.length} runners in ${regions}; max ${plan.requirements.maxVUs} VUs`;
}
