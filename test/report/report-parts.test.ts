import { describe, expect, it } from 'vitest';
import {
  buildCharts,
  orderRegions,
  renderReportHtml,
  thresholdRows,
  thresholdStat,
} from '../../functions/core/report';
import { jsonForScriptBlock, scriptForInline, styleForInline } from '../../functions/core/report/embed';
import { formatBytes, formatDurationMs, formatStat } from '../../functions/core/report/report-format';
import { makeSummary, makeTimeline } from './report-fixture';

const HOSTILE = '</script><script>alert(1)</script><!-- </SCRIPT \u2028 & <b>';

describe('embedding user input', () => {
  it('JSON for a script block cannot close the block or open a comment, and parses back unchanged', () => {
    // Act
    const json = jsonForScriptBlock({ name: HOSTILE });

    // Assess
    expect(json).not.toMatch(/<\/script|<!--|<|>/i);
    expect(JSON.parse(json)).toEqual({ name: HOSTILE });
  });

  it('inline scripts and styles cannot end their element early', () => {
    expect(scriptForInline('var s = "</script><!--";')).toBe('var s = "<\\/script><\\!--";');
    expect(styleForInline('a::after { content: "</style>" }')).not.toMatch(/<\/style/i);
  });

  it('a hostile test name and check name appear only escaped in the page', () => {
    // Prepare
    const summary = makeSummary(HOSTILE);
    summary.checks.push({ name: HOSTILE, passes: 1, fails: 0 });

    // Act
    const html = renderReportHtml({
      summary,
      timeline: makeTimeline(),
      uplot: { js: '/* uplot */', css: '' },
    });

    // Assess: exactly the page's own three scripts, and no raw copy of the input anywhere.
    expect(html.match(/<script/gi)).toHaveLength(3);
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain('&#60;/script&#62;&#60;script&#62;alert(1)');
  });
});

describe('chart series from the timeline', () => {
  it('gives every chart the global line plus one per region, aligned with x, with gaps as null', () => {
    // Prepare: the middle point lacks ap-southeast-2 (no runner reported in that window).
    const timeline = makeTimeline().slice(0, 3);
    delete timeline[1]!.regions['ap-southeast-2'];
    const regions = orderRegions(['eu-west-1', 'us-east-1', 'ap-southeast-2'], timeline.reverse());

    // Act
    const charts = buildCharts(timeline, regions);

    // Assess
    expect(charts.map((c) => c.id)).toEqual(['requests', 'vus', 'errors', 'latency', 'latency-regions']);
    const rps = charts[0]!;
    expect(rps.x).toEqual([1, 2, 3]);
    expect(rps.series.map((s) => s.label)).toEqual([
      'all regions',
      'eu-west-1',
      'us-east-1',
      'ap-southeast-2',
    ]);
    expect(rps.series[3]!.values[1]).toBeNull();
    expect(rps.series[3]!.values[0]).toBeGreaterThan(0);
    const errors = charts[2]!;
    expect(errors.series[2]!.values[0]).toBeCloseTo(0.4, 10);
    expect(charts[3]!.series.map((s) => s.label)).toEqual(['p50', 'p95', 'p99']);
  });

  it('keeps regions the summary does not list', () => {
    const timeline = makeTimeline().slice(0, 1);
    expect(orderRegions(['us-east-1'], timeline)).toEqual(['us-east-1', 'eu-west-1', 'ap-southeast-2']);
  });
});

describe('thresholds and values', () => {
  it('finds the stat a threshold expression tests', () => {
    expect(thresholdStat('p(95)<500')).toBe('p(95)');
    expect(thresholdStat('p( 99.9 ) <= 1500')).toBe('p(99.9)');
    expect(thresholdStat('rate<0.01')).toBe('rate');
    expect(thresholdStat('count>=1000')).toBe('count');
    expect(thresholdStat('nonsense')).toBeNull();
  });

  it('lists every threshold with its value, and failures that only the fleet recorded', () => {
    // Prepare
    const summary = makeSummary('t');
    summary.fleet.failedThresholds.push({ metric: 'http_req_duration{status:500}', expr: 'max<100' });
    summary.fleet.abort = {
      source: 'threshold',
      reason: 'abortOnFail',
      at: 1,
      threshold: { metric: 'http_req_failed', expr: 'rate<0.01' },
    };

    // Act
    const rows = thresholdRows(summary);

    // Assess
    const failed = rows.find((r) => r.metric === 'http_req_failed')!;
    expect(failed).toMatchObject({ ok: false, stat: 'rate', value: 0.0119, abortedRun: true });
    expect(rows.find((r) => r.expr === 'p(95)<500')).toMatchObject({
      ok: true,
      value: 262.9,
      abortedRun: false,
    });
    expect(rows.at(-1)).toMatchObject({ metric: 'http_req_duration{status:500}', ok: false, value: null });
    expect(rows).toHaveLength(6);
  });

  it('formats values the way k6 prints them', () => {
    expect(formatDurationMs(0.8125)).toBe('812.5µs');
    expect(formatDurationMs(41.271)).toBe('41.27ms');
    expect(formatDurationMs(1520)).toBe('1.52s');
    expect(formatDurationMs(125_000)).toBe('2m5s');
    expect(formatBytes(98_961_600)).toBe('99 MB');
    expect(formatStat('rate', 1_649_360, 'data', 'counter')).toBe('1.6 MB/s');
    expect(formatStat('count', 512, 'data', 'counter')).toBe('512 B');
    expect(formatStat('rate', 0.0119, 'default', 'rate')).toBe('1.19%');
    expect(formatStat('rate', 687.234, 'default', 'counter')).toBe('687.23/s');
  });
});
