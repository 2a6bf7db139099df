import { describe, expect, it } from 'vitest';
import { parseK6Duration } from '../../functions/core/thresholds/duration';
import { parseGoFloat } from '../../functions/core/thresholds/go-float';
import { parseThresholdExpression } from '../../functions/core/thresholds/parse-expression';
import { formatMetricSelector, parseMetricSelector } from '../../functions/core/thresholds/parse-selector';
import { ThresholdError } from '../../functions/core/thresholds/threshold-errors';

function errorOf(fn: () => unknown): ThresholdError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ThresholdError) return err;
    throw err;
  }
  throw new Error('expected a ThresholdError');
}

describe('parseMetricSelector', () => {
  it.each([
    ['http_req_duration', 'http_req_duration', {}],
    ['http_req_duration{status:200}', 'http_req_duration', { status: '200' }],
    ['http_reqs{scenario:a,method:GET}', 'http_reqs', { scenario: 'a', method: 'GET' }],
    ['checks{check:my check}', 'checks', { check: 'my check' }],
    // Spaces around keys and values go; quotes of either kind at either end go (Go strings.Trim).
    ["http_reqs{ scenario : 'a' , method:GET}", 'http_reqs', { scenario: 'a', method: 'GET' }],
    ['http_reqs{"status":"200"}', 'http_reqs', { status: '200' }],
    [`checks{check:"it's ok"}`, 'checks', { check: "it's ok" }],
    // Split at the first ':' only, so values may contain ':'; a quoted empty value is an empty tag.
    ['http_reqs{url:http://127.0.0.1:8080/a}', 'http_reqs', { url: 'http://127.0.0.1:8080/a' }],
    ['http_reqs{error_code:""}', 'http_reqs', { error_code: '' }],
    // Braces inside the filter belong to the value, as in k6.
    ['my_trend{name:a{b}', 'my_trend', { name: 'a{b' }],
  ])('parses %s', (selector, metric, tags) => {
    // Act
    const parsed = parseMetricSelector(selector);
    // Assess
    expect(parsed).toEqual({ metric, tags });
  });

  it.each([
    ['http_reqs{status:200', /'\{' without a closing '\}'/],
    ['http_reqs}', /'\}' without an opening '\{'/],
    ['http_reqs}{status:200', /'\{' without a closing '\}'/],
    ['http_reqs{status:200}x', /unexpected text "x" after the closing '\}'/],
    ['http_reqs{}', /empty tag filter \{\}/],
    ['http_reqs{ }', /empty tag filter \{\}/],
    ['http_reqs{status:200,}', /empty entry in the tag filter \(a stray ','\)/],
    ['http_reqs{status}', /tag filter "status" has no value; write key:value/],
    ['http_reqs{status:}', /tag "status" has an empty value/],
    ['http_reqs{:200}', /has an empty key/],
    ['http_reqs{status:200,status:404}', /tag "status" is given twice/],
    ['http_reqs {status:200}', /"http_reqs " is not a k6 metric name \(remove the spaces around the name\)/],
    ['', /"" is not a k6 metric name/],
    ['x', /"x" is not a k6 metric name; names are 2-129/],
    ['my-metric', /"my-metric" is not a k6 metric name/],
    ['{status:200}', /"" is not a k6 metric name/],
  ])('rejects %j with a clear message', (selector, message) => {
    // Act
    const err = errorOf(() => parseMetricSelector(selector));
    // Assess
    expect(err.message).toMatch(message);
    expect(err.message).toContain(`"${selector}"`);
  });

  it('formats a canonical key with sorted tags', () => {
    // Prepare
    const parsed = parseMetricSelector('http_reqs{ status : 200 , method:GET}');
    // Act
    const key = formatMetricSelector(parsed);
    // Assess
    expect(key).toBe('http_reqs{method:GET,status:200}');
    expect(formatMetricSelector({ metric: 'vus', tags: {} })).toBe('vus');
  });
});

describe('parseThresholdExpression', () => {
  it.each([
    ['count>100', 'count', undefined, 'count', '>', 100],
    ['rate<0.01', 'rate', undefined, 'rate', '<', 0.01],
    ['value>=3', 'value', undefined, 'value', '>=', 3],
    ['avg<=200', 'avg', undefined, 'avg', '<=', 200],
    ['min==0', 'min', undefined, 'min', '==', 0],
    ['max===1', 'max', undefined, 'max', '===', 1],
    ['med!=5', 'med', undefined, 'med', '!=', 5],
    ['p(95)<500', 'p', 95, 'p(95)', '<', 500],
    ['p(99.9) < 1e3', 'p', 99.9, 'p(99.9)', '<', 1000],
    ['  p(90)   <   300  ', 'p', 90, 'p(90)', '<', 300],
    // The stat name uses the number, however it was written.
    ['p(95.0)<1', 'p', 95, 'p(95)', '<', 1],
    ['p(95.)<1', 'p', 95, 'p(95)', '<', 1],
    ['p(1e1)<1', 'p', 10, 'p(10)', '<', 1],
    ['p(0)<1', 'p', 0, 'p(0)', '<', 1],
    ['p(100)<1', 'p', 100, 'p(100)', '<', 1],
    // Go float syntax on the right-hand side.
    ['avg<.5', 'avg', undefined, 'avg', '<', 0.5],
    ['avg<5.', 'avg', undefined, 'avg', '<', 5],
    ['avg<1_000', 'avg', undefined, 'avg', '<', 1000],
    ['avg<2.5E-1', 'avg', undefined, 'avg', '<', 0.25],
    ['avg<-3', 'avg', undefined, 'avg', '<', -3],
    ['avg<0x1p4', 'avg', undefined, 'avg', '<', 16],
    ['avg<+Inf', 'avg', undefined, 'avg', '<', Number.POSITIVE_INFINITY],
  ])('parses %j', (expr, method, p, stat, op, value) => {
    // Act
    const parsed = parseThresholdExpression(expr);
    // Assess
    expect(parsed).toEqual({ source: expr, method, stat, op, value, ...(p === undefined ? {} : { p }) });
  });

  it('reads NaN as k6 does (a number that fails every comparison but !=)', () => {
    // Act
    const parsed = parseThresholdExpression('avg<NaN');
    // Assess
    expect(parsed.value).toBeNaN();
  });

  it.each([
    ['p95<500', /unknown method "p95" \(a percentile is written p\(N\), e.g. p\(95\)\)/],
    ['p<500', /unknown method "p" \(a percentile is written p\(N\)/],
    ['AVG<10', /unknown method "AVG" \(methods are lower case: "avg"\)/],
    ['mean<10', /unknown method "mean"; use count, rate, value, avg, min, med, max or p\(N\)/],
    ['p( 95 )<10', /percentile " 95 " is not a number; write p\(N\) with N from 0 to 100 and no spaces/],
    ['p()<10', /percentile "" is not a number/],
    ['p(101)<10', /percentile 101 is out of range; N in p\(N\) goes from 0 to 100/],
    ['p(-1)<10', /percentile -1 is out of range/],
    ['p(95)=10', /no comparison operator \(<, <=, >, >=, ==, ===, !=\); use == \(or ===\) to test equality/],
    ['p(95) 10', /no comparison operator/],
    ['', /no comparison operator/],
    ['avg<', /no number after "<"/],
    ['<5', /no method before "<"/],
    ['avg=<5', /"=<" is not an operator/],
    ['avg!<5', /"!<" is not an operator/],
    ['avg<=>5', /">5" is not a number/],
    ['avg<5<6', /"5<6" is not a number/],
    ['avg<1 000', /"1 000" is not a number/],
    ['avg<200ms', /"200ms" is not a number; .*units are not allowed: durations are in ms/],
    ['avg<0x10', /"0x10" is not a number/],
    ['avg<1__0', /"1__0" is not a number/],
    ['avg<+nan', /"\+nan" is not a number/],
    ['avg<1e400', /"1e400" is not a number/],
  ])('rejects %j with a clear message', (expr, message) => {
    // Act
    const err = errorOf(() => parseThresholdExpression(expr));
    // Assess
    expect(err.message).toMatch(message);
    expect(err.message).toContain(`"${expr}"`);
  });
});

describe('parseGoFloat', () => {
  it.each([
    ['0', 0],
    ['01', 1],
    ['0_1', 1],
    ['1_000.5', 1000.5],
    ['1e0_1', 10],
    ['+.5e1', 5],
    ['0X1P0', 1],
    ['0x_1p0', 1],
    ['0x1.8p1', 3],
    ['-0x.8p1', -1],
    ['infinity', Number.POSITIVE_INFINITY],
    ['-Inf', Number.NEGATIVE_INFINITY],
  ])('reads %s as %d', (text, value) => {
    expect(parseGoFloat(text)).toBe(value);
  });

  it.each([
    '',
    '.',
    '_1',
    '1_',
    '1_.5',
    '1._5',
    '1e',
    '1e+',
    '0b1',
    '0o1',
    '0x10',
    '+nan',
    '1e400',
    ' 1',
    'one',
  ])('rejects %j', (text) => {
    expect(parseGoFloat(text)).toBeNull();
  });
});

describe('parseK6Duration', () => {
  it.each([
    ['10s', 10_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1.5h', 5_400_000],
    ['2h45m', 9_900_000],
    ['.5s', 500],
    ['1.s', 1000],
    ['250us', 0.25],
    ['250µs', 0.25],
    ['250μs', 0.25],
    ['1500ns', 0.0015],
    ['0', 0],
    ['+1s', 1000],
    ['-1s', -1000],
    // Bare numbers are milliseconds in k6, as strings or numbers.
    ['1500', 1500],
    ['2.5', 2.5],
    [1500, 1500],
    // Whole days in front, as k6's ParseExtendedDuration allows.
    ['1d', 86_400_000],
    ['2d3h', 183_600_000],
    ['1d12h30m', 131_400_000],
    ['-1d2h', -93_600_000],
    // What k6 inspect prints back for '1m30s', 1500 and '2d3h'.
    ['1m30s', 90_000],
    ['1.5s', 1500],
    ['51h0m0s', 183_600_000],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseK6Duration(text)).toBeCloseTo(ms, 9);
  });

  it.each([
    ['', /invalid duration ""/],
    ['ten seconds', /invalid duration "ten seconds"/],
    ['10x', /unknown unit "x"/],
    ['10 s', /unknown unit " s"/],
    ['s', /invalid duration "s"/],
    ['1.5d', /invalid duration "1.5d"/],
    ['1d-2h', /invalid duration "1d-2h"/],
    ['Inf', /invalid duration "Inf"/],
  ])('rejects %j with the accepted forms', (text, message) => {
    // Act
    const err = errorOf(() => parseK6Duration(text));
    // Assess
    expect(err.message).toMatch(message);
    expect(err.message).toContain('"500ms", "10s", "1m30s"');
  });

  it('rejects a non-finite number', () => {
    expect(errorOf(() => parseK6Duration(Number.NaN)).message).toMatch(/must be a finite number/);
  });
});
