import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type Summary, SummarySchema } from '../../functions/contracts';
import { renderTextSummary } from '../../functions/core/summary/text-summary';

const START = Date.UTC(2026, 10, 24, 12, 0, 0);
/** The start of every ANSI colour sequence (ESC [). */
const ANSI = '\u001b[';

/** A fleet run of 3 regions × 2 runners that an abortOnFail threshold on errors stopped. */
function abortedRun(): Summary {
  return SummarySchema.parse({
    v: 1,
    runId: 'run-20261124-120000-ab12',
    testName: 'checkout-load',
    state: { testRunDurationMs: 45_200 },
    options: { summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'] },
    metrics: {
      http_reqs: { type: 'counter', contains: 'default', values: { count: 12_345, rate: 273.119_469 } },
      http_req_failed: {
        type: 'rate',
        contains: 'default',
        values: { rate: 0.0412, passes: 509, fails: 11_836 },
        thresholds: { 'rate<0.01': { ok: false } },
      },
      http_req_duration: {
        type: 'trend',
        contains: 'time',
        values: { avg: 48.213, min: 0.37354, med: 41.5, max: 1_250.4, 'p(90)': 95.12, 'p(95)': 132.87 },
        thresholds: { 'p(95)<500': { ok: true }, 'avg<40': { ok: false } },
      },
      'http_req_duration{expected_response:true}': {
        type: 'trend',
        contains: 'time',
        values: { avg: 47.9, min: 0.37354, med: 41.2, max: 1_250.4, 'p(90)': 94.8, 'p(95)': 131.25 },
      },
      'http_req_duration{scenario:browse}': {
        type: 'trend',
        contains: 'time',
        values: { avg: 30.1, min: 0.5, med: 28, max: 300, 'p(90)': 60, 'p(95)': 80.5 },
        thresholds: { 'p(95)<100': { ok: true } },
      },
      http_req_waiting: {
        type: 'trend',
        contains: 'time',
        values: { avg: 45, min: 0.3, med: 40, max: 1_200, 'p(90)': 90, 'p(95)': 120 },
      },
      iterations: { type: 'counter', contains: 'default', values: { count: 6_170, rate: 136.504_424 } },
      iteration_duration: {
        type: 'trend',
        contains: 'time',
        values: { avg: 1_020.5, min: 1_000.1, med: 1_010, max: 2_600.2, 'p(90)': 1_040, 'p(95)': 1_090 },
      },
      vus: { type: 'gauge', contains: 'default', values: { value: 0, min: 0, max: 60 } },
      vus_max: { type: 'gauge', contains: 'default', values: { value: 60, min: 60, max: 60 } },
      data_received: { type: 'counter', contains: 'data', values: { count: 10_500_000, rate: 232_300.884 } },
      data_sent: { type: 'counter', contains: 'data', values: { count: 1_400_000, rate: 30_973.451 } },
      checks: { type: 'rate', contains: 'default', values: { rate: 0.979, passes: 12_085, fails: 260 } },
      'checks{check:status is 200}': {
        type: 'rate',
        contains: 'default',
        values: { rate: 0.958, passes: 11_836, fails: 509 },
        thresholds: { 'rate>0.99': { ok: false } },
      },
      cart_items: {
        type: 'trend',
        contains: 'default',
        values: { avg: 3.5, min: 1, med: 3, max: 12, 'p(90)': 6, 'p(95)': 8 },
      },
      group_duration: {
        type: 'trend',
        contains: 'time',
        values: { avg: 1, min: 1, med: 1, max: 1, 'p(90)': 1, 'p(95)': 1 },
      },
    },
    checks: [
      { name: 'status is 200', passes: 11_836, fails: 509 },
      { name: 'body has cart', passes: 249, fails: 0 },
    ],
    fleet: {
      verdict: 'thresholds-failed',
      exitCode: 99,
      abort: {
        source: 'threshold',
        reason: "threshold 'rate<0.01' on http_req_failed crossed (4.12%)",
        at: START + 31_400,
        threshold: { metric: 'http_req_failed', expr: 'rate<0.01' },
      },
      startAt: START,
      endAt: START + 45_200,
      regions: [
        { name: 'eu-west-1', weight: 50, runners: 2, requests: 6_170 },
        { name: 'us-east-1', weight: 30, runners: 2, requests: 3_705 },
        { name: 'ap-southeast-2', weight: 20, runners: 2, requests: 2_470 },
      ],
      runners: [
        {
          runnerId: 'eu-west-1-0',
          region: 'eu-west-1',
          segment: '0:1/4',
          outcome: 'aborted',
          k6ExitCode: 103,
          startOffsetMs: 2,
        },
        {
          runnerId: 'eu-west-1-1',
          region: 'eu-west-1',
          segment: '1/4:1/2',
          outcome: 'aborted',
          k6ExitCode: 103,
          startOffsetMs: 4,
        },
        {
          runnerId: 'us-east-1-0',
          region: 'us-east-1',
          segment: '1/2:13/20',
          outcome: 'failed',
          k6ExitCode: 107,
          startOffsetMs: 7,
          reason:
            'k6 exited 107: TypeError: Cannot read property "id" of undefined at default (script.js:42:7)',
        },
        {
          runnerId: 'us-east-1-1',
          region: 'us-east-1',
          segment: '13/20:4/5',
          outcome: 'aborted',
          k6ExitCode: 103,
          startOffsetMs: 3,
        },
        {
          runnerId: 'ap-southeast-2-0',
          region: 'ap-southeast-2',
          segment: '4/5:9/10',
          outcome: 'aborted',
          k6ExitCode: 103,
          startOffsetMs: 11,
        },
        {
          runnerId: 'ap-southeast-2-1',
          region: 'ap-southeast-2',
          segment: '9/10:1',
          outcome: 'aborted',
          k6ExitCode: 103,
          startOffsetMs: 9,
        },
      ],
      startSkewMs: 11,
      anomalies: [
        {
          at: START + 29_000,
          kind: 'error-rate-jump',
          region: 'us-east-1',
          message: 'error rate 0.2% → 8.1% in 5s',
        },
      ],
      failedThresholds: [
        { metric: 'http_req_duration', expr: 'avg<40', failedAt: START + 12_000 },
        { metric: 'http_req_failed', expr: 'rate<0.01', failedAt: START + 31_400 },
        { metric: 'checks{check:status is 200}', expr: 'rate>0.99', failedAt: START + 31_400 },
      ],
    },
  });
}

function lineWith(text: string, needle: string): string {
  const line = text.split('\n').find((l) => l.includes(needle));
  if (line === undefined) throw new Error(`no line with ${needle}:\n${text}`);
  return line;
}

describe('renderTextSummary', () => {
  it('shows the fleet: test, run, verdict, duration, skew, abort with its threshold, regions, failures', () => {
    // Prepare
    const summary = abortedRun();
    // Act
    const text = renderTextSummary(summary, { color: false });
    // Assess
    expect(text).toContain('  █ FLEET\n');
    expect(lineWith(text, 'test.')).toBe('    test.........: checkout-load');
    expect(lineWith(text, 'run.')).toBe('    run..........: run-20261124-120000-ab12');
    expect(lineWith(text, 'verdict.')).toBe('    verdict......: ✗ thresholds failed (exit 99)');
    expect(lineWith(text, 'duration.')).toBe('    duration.....: 45.2s');
    expect(lineWith(text, 'start skew.')).toBe('    start skew...: 11ms');
    expect(lineWith(text, 'aborted.')).toBe(
      "    aborted......: by threshold http_req_failed 'rate<0.01' at +31.4s",
    );
    expect(lineWith(text, 'reason.')).toBe(
      "    reason.......: threshold 'rate<0.01' on http_req_failed crossed (4.12%)",
    );
    expect(lineWith(text, 'fleet.')).toBe('    fleet........: 3 regions, 6 runners, 12345 requests');
    expect(lineWith(text, 'eu-west-1..')).toBe(
      '    eu-west-1........: weight 50% 2 runners 6170 requests (50.0% of requests)',
    );
    expect(lineWith(text, 'ap-southeast-2.')).toBe(
      '    ap-southeast-2...: weight 20% 2 runners 2470 requests (20.0% of requests)',
    );
    expect(lineWith(text, 'us-east-1-0')).toBe(
      '    ✗ us-east-1-0 (us-east-1) failed, k6 exit 107: k6 exited 107: TypeError: Cannot read property "id" of undefined at default (script.js:42:7)',
    );
    expect(text).not.toContain('eu-west-1-0 (');
    expect(lineWith(text, "'avg<40' first")).toBe("    ✗ http_req_duration 'avg<40' first at +12s");
    expect(lineWith(text, 'error-rate-jump')).toBe(
      '    ! +29s us-east-1 error-rate-jump: error rate 0.2% → 8.1% in 5s',
    );
  });

  it('lists every threshold with ✓/✗ and the value it was judged on, submetrics under their metric', () => {
    // Act
    const text = renderTextSummary(abortedRun(), { color: false });
    // Assess
    const section = text.slice(text.indexOf('█ THRESHOLDS'), text.indexOf('█ TOTAL RESULTS'));
    expect(section.split('\n').map((l) => l.trimEnd())).toEqual([
      '█ THRESHOLDS',
      '',
      '    checks{check:status is 200}',
      "    ✗ 'rate>0.99' rate=95.80%",
      '',
      '    http_req_duration',
      "    ✓ 'p(95)<500' p(95)=132.87ms",
      "    ✗ 'avg<40' avg=48.21ms",
      '',
      '      {scenario:browse}',
      "      ✓ 'p(95)<100' p(95)=80.5ms",
      '',
      '    http_req_failed',
      "    ✗ 'rate<0.01' rate=4.12%",
      '',
      '',
      '',
    ]);
  });

  it('lists checks and the metric groups with k6 stats, units and dotted leaders', () => {
    // Act
    const text = renderTextSummary(abortedRun(), { color: false });
    // Assess
    const section = text.slice(text.indexOf('█ TOTAL RESULTS'));
    expect(section.split('\n').map((l) => l.trimEnd())).toEqual([
      '█ TOTAL RESULTS',
      '',
      '    checks_total.......: 12345  273.119469/s',
      '    checks_succeeded...: 97.89% 12085 out of 12345',
      '    checks_failed......: 2.10%  260 out of 12345',
      '',
      '    ✗ status is 200',
      '      ↳  95% — ✓ 11836 / ✗ 509',
      '    ✓ body has cart',
      '',
      '    CUSTOM',
      '    cart_items.....................: avg=3.5     min=1        med=3      max=12    p(90)=6       p(95)=8',
      '',
      '    HTTP',
      '    http_req_duration..............: avg=48.21ms min=373.54µs med=41.5ms max=1.25s p(90)=95.12ms p(95)=132.87ms',
      '      { expected_response:true }...: avg=47.9ms  min=373.54µs med=41.2ms max=1.25s p(90)=94.8ms  p(95)=131.25ms',
      '      { scenario:browse }..........: avg=30.1ms  min=500µs    med=28ms   max=300ms p(90)=60ms    p(95)=80.5ms',
      '    http_req_failed................: 4.12%  509 out of 12345',
      '    http_reqs......................: 12345  273.119469/s',
      '',
      '    EXECUTION',
      '    iteration_duration.............: avg=1.02s   min=1s       med=1.01s  max=2.6s  p(90)=1.04s   p(95)=1.09s',
      '    iterations.....................: 6170   136.504424/s',
      '    vus............................: 0      min=0            max=60',
      '    vus_max........................: 60     min=60           max=60',
      '',
      '    NETWORK',
      '    data_received..................: 11 MB  232 kB/s',
      '    data_sent......................: 1.4 MB 31 kB/s',
      '',
      '',
      '',
    ]);
  });

  it('shows the HTTP timing breakdown only in full mode', () => {
    // Act
    const compact = renderTextSummary(abortedRun(), { color: false });
    const full = renderTextSummary(abortedRun(), { color: false, mode: 'full' });
    // Assess
    expect(compact).not.toContain('http_req_waiting');
    expect(lineWith(full, 'http_req_waiting')).toMatch(
      /^ {4}http_req_waiting\.+: avg=45ms {4}min=300µs {4}med=40ms/,
    );
    expect(full).not.toContain('group_duration');
  });

  it('prints no ANSI codes without colour, and colours marks and values with it', () => {
    // Act
    const plain = renderTextSummary(abortedRun(), { color: false });
    const colored = renderTextSummary(abortedRun(), { color: true });
    // Assess
    expect(plain).not.toContain(ANSI);
    expect(colored).toContain(ANSI);
    expect(colored).toContain('\u001b[32m✓\u001b[39m');
    expect(colored).toContain('\u001b[31m✗\u001b[39m');
    expect(stripVTControlCharacters(colored)).toBe(plain);
  });

  it('cuts free text to the terminal width', () => {
    // Act
    const text = renderTextSummary(abortedRun(), { color: false, width: 60 });
    // Assess
    const runnerLine = lineWith(text, 'us-east-1-0');
    expect([...runnerLine].length).toBe(60);
    expect(runnerLine.endsWith('…')).toBe(true);
  });

  it('renders a clean pass without abort, failures, anomalies or checks', () => {
    // Prepare
    const base = abortedRun();
    const summary: Summary = {
      ...base,
      metrics: { http_reqs: base.metrics.http_reqs! },
      checks: [],
      fleet: {
        ...base.fleet,
        verdict: 'passed',
        exitCode: 0,
        abort: undefined,
        startSkewMs: null,
        anomalies: [],
        failedThresholds: [],
        runners: base.fleet.runners.map((r) => ({ ...r, outcome: 'finished', k6ExitCode: 0 })),
      },
    };
    // Act
    const text = renderTextSummary(summary, { color: false });
    // Assess
    expect(lineWith(text, 'verdict.')).toBe('    verdict......: ✓ passed (exit 0)');
    expect(lineWith(text, 'start skew.')).toBe('    start skew...: not measured');
    for (const absent of [
      'aborted',
      'RUNNERS',
      'FAILED THRESHOLDS',
      'ANOMALIES',
      'THRESHOLDS\n',
      'checks_total',
    ]) {
      expect(text).not.toContain(absent);
    }
    expect(lineWith(text, 'http_reqs.')).toBe('    http_reqs...: 12345 273.119469/s');
  });
});
