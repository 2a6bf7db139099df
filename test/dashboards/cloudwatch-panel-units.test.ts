import { describe, expect, it } from 'vitest';
import { cloudwatchPanels } from '../../functions/adapters/grafana/cloudwatch-panels';

/** The unit each CloudWatch metric is reported in (AWS's docs for EC2, ECS, RDS, Lambda, CWAgent). */
const METRIC_UNIT: Record<string, string> = {
  CPUUtilization: 'percent',
  MemoryUtilization: 'percent',
  mem_used_percent: 'percent',
  FreeableMemory: 'bytes',
  DatabaseConnections: 'short',
  ConcurrentExecutions: 'short',
  Errors: 'short',
  Throttles: 'short',
  Duration: 'ms',
};

describe('CloudWatch panels', () => {
  it('put only metrics of the panel unit on a panel: bytes, connections, CPU % and ms apart', () => {
    // Act
    const panels = cloudwatchPanels().map((p) => p.build());

    // Assess
    for (const panel of panels) {
      const unit = panel.fieldConfig?.defaults?.unit;
      const metrics = (panel.targets ?? []).map((t) => (t as { metricName?: string }).metricName ?? '?');
      for (const m of metrics)
        expect(`${panel.title}: ${m} in ${METRIC_UNIT[m]}`).toBe(`${panel.title}: ${m} in ${unit}`);
    }
    const byTitle = new Map(panels.map((p) => [p.title, p]));
    expect(byTitle.get('Database freeable memory')?.fieldConfig?.defaults?.unit).toBe('bytes');
    expect(
      panels.filter((p) =>
        (p.targets ?? []).some((t) => (t as { metricName?: string }).metricName === 'DatabaseConnections'),
      ),
    ).toHaveLength(1);
  });
});
