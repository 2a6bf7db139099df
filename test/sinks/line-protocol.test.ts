import { describe, expect, it } from 'vitest';
import { decodeHistogram } from '../../functions/adapters/sinks/histogram-payload';
import { groupLines, pointLine } from '../../functions/adapters/sinks/line-protocol';
import { MEASURE } from '../../functions/adapters/sinks/schema';
import { eventPoints, intervalPoints } from '../../functions/adapters/sinks/sink-points';
import { intervalRecord } from './fixtures';

describe('line protocol', () => {
  it('escapes tags and strings, sorts tags, writes floats and ms timestamps', () => {
    // Act
    const line = pointLine(
      { run_id: 'r 1', tag_check: 'status, is=200', region: 'eu' },
      { measure: MEASURE.event, time: 1700000000123.4, dims: {}, fields: { text: 'said "hi"\\\nbye' } },
    );
    // Assess
    expect(line).toBe(
      'k6_event,region=eu,run_id=r\\ 1,tag_check=status\\,\\ is\\=200 text="said \\"hi\\"\\\\\\nbye" 1700000000123',
    );
  });

  it('leaves out empty tags, non-finite numbers and points without fields', () => {
    expect(
      pointLine({ a: '', b: 'x' }, { measure: MEASURE.rollup, time: 1, dims: {}, fields: { rps: 1.5 } }),
    ).toBe('k6_rollup,b=x rps=1.5 1');
    expect(
      pointLine({}, { measure: MEASURE.rollup, time: 1, dims: {}, fields: { rps: Number.NaN } }),
    ).toBeNull();
  });

  it('encodes an interval record as one line per series plus the process line', () => {
    // Prepare
    const rec = intervalRecord({});
    // Act
    const lines = groupLines(intervalPoints(rec, 'checkout'));
    // Assess
    expect(lines).toHaveLength(rec.series.length + 1);
    const trend = lines.find((l) => l.includes('metric=http_req_duration'))!;
    expect(trend).toMatch(
      /^k6_series,metric=http_req_duration,metric_type=trend,region=eu-west-1,run_id=run-1,runner=r0,scope=runner,tag_expected_response=true,test_name=checkout /,
    );
    const hist = /hist="([^"]+)"/.exec(trend)![1]!;
    expect(decodeHistogram(hist).count).toBe(100);
    expect(lines.at(-1)).toMatch(
      /^k6_process,.* interval_ms=2000,cpu=42.5,rss=150000000,k6_cpu=30,k6_rss=90000000 /,
    );
    expect(groupLines(eventPoints('run-1', 't', { at: 5, kind: 'abort', text: 'stop' }))).toEqual([
      'k6_event,kind=abort,region=_global,run_id=run-1,test_name=t text="stop" 5',
    ]);
  });
});
