import { describe, expect, it } from 'vitest';
import { ThresholdSpecSchema } from '../../functions/contracts';
import {
  BUILTIN_METRIC_TYPES,
  KNOWN_METRIC_TYPES,
  METHODS_BY_TYPE,
  MODULE_METRIC_TYPES,
} from '../../functions/core/thresholds/metric-types';
import { normalizeThresholds } from '../../functions/core/thresholds/normalize';
import { ThresholdError } from '../../functions/core/thresholds/threshold-errors';
import { validateThresholds } from '../../functions/core/thresholds/validate';

describe('normalizeThresholds', () => {
  it('turns short and long forms into ThresholdSpecs', () => {
    // Prepare
    const raw = {
      http_req_duration: [
        'p(95)<500',
        { threshold: 'p(99)<1500', abortOnFail: true, delayAbortEval: '1m30s' },
      ],
      'http_req_failed{scenario:api}': [{ threshold: 'rate<0.01', abortOnFail: true, delayAbortEval: null }],
      checks: [{ threshold: 'rate>0.9' }, { threshold: 'rate>0.8', delayAbortEval: 1500 }],
    };
    // Act
    const th = normalizeThresholds(raw);
    // Assess
    expect(th).toEqual({
      http_req_duration: [
        { expr: 'p(95)<500', abortOnFail: false, delayAbortEvalMs: 0 },
        { expr: 'p(99)<1500', abortOnFail: true, delayAbortEvalMs: 90_000 },
      ],
      'http_req_failed{scenario:api}': [{ expr: 'rate<0.01', abortOnFail: true, delayAbortEvalMs: 0 }],
      checks: [
        { expr: 'rate>0.9', abortOnFail: false, delayAbortEvalMs: 0 },
        { expr: 'rate>0.8', abortOnFail: false, delayAbortEvalMs: 1500 },
      ],
    });
    for (const list of Object.values(th))
      for (const s of list) expect(ThresholdSpecSchema.parse(s)).toEqual(s);
  });

  it('treats missing thresholds as none', () => {
    expect(normalizeThresholds(undefined)).toEqual({});
    expect(normalizeThresholds(null)).toEqual({});
    expect(normalizeThresholds({})).toEqual({});
  });

  it.each([
    [['p(95)<1'], /options.thresholds must be an object/],
    ['p(95)<1', /options.thresholds must be an object/],
    [
      { http_req_duration: 'p(95)<500' },
      /thresholds for "http_req_duration" must be a list, e.g. \{ 'http_req_duration': \['p\(95\)<500'\] \}/,
    ],
    [{ http_reqs: [42] }, /threshold #1 of "http_reqs" must be an expression string or \{ threshold/],
    [
      { http_reqs: ['count>1', { abortOnFail: true }] },
      /threshold #2 of "http_reqs": "threshold" must be a non-empty expression/,
    ],
    [{ http_reqs: [{ threshold: 'count>1', abortOnFail: 'yes' }] }, /"abortOnFail" must be true or false/],
    [
      { http_reqs: [{ threshold: 'count>1', delayAbortEval: '10 seconds' }] },
      /"delayAbortEval": invalid duration "10 seconds"/,
    ],
    [
      { http_reqs: [{ threshold: 'count>1', delayAbortEval: '-5s' }] },
      /"delayAbortEval" must not be negative/,
    ],
    [{ http_reqs: [{ threshold: 'count>1', delayAbortEval: true }] }, /"delayAbortEval" must be a duration/],
  ])('rejects %j', (raw, message) => {
    expect(() => normalizeThresholds(raw)).toThrow(ThresholdError);
    expect(() => normalizeThresholds(raw)).toThrow(message);
  });
});

describe('validateThresholds', () => {
  const spec = (expr: string) => ({ expr, abortOnFail: false, delayAbortEvalMs: 0 });

  it('accepts every method that fits the metric type, for built-in and custom metrics', () => {
    // Prepare
    const th = {
      http_reqs: [spec('count>1'), spec('rate>1')],
      vus: [spec('value<100')],
      http_req_failed: [spec('rate<0.01')],
      http_req_duration: [spec('avg<1'), spec('min<1'), spec('max<1'), spec('med<1'), spec('p(99.9)<1')],
      'http_req_duration{status:200}': [spec('p(95)<1')],
      my_custom_metric: [spec('count>1'), spec('p(95)<1')],
    };
    // Act
    const errors = validateThresholds(th, KNOWN_METRIC_TYPES);
    // Assess
    expect(errors).toEqual([]);
  });

  it('names the metric, its type and the valid methods when a method does not fit', () => {
    // Prepare
    const th = {
      iterations: [spec('avg<3')],
      vus: [spec('count>0')],
      checks: [spec('count>0')],
      'http_req_duration{status:200}': [spec('rate<1'), spec('p(95)<1')],
      my_trend: [spec('value>0')],
    };
    // Act
    const errors = validateThresholds(th, { ...BUILTIN_METRIC_TYPES, my_trend: 'trend' });
    // Assess
    expect(errors).toEqual([
      'invalid threshold "avg<3" on "iterations": "avg" does not apply to iterations, a counter metric; use count, rate',
      'invalid threshold "count>0" on "vus": "count" does not apply to vus, a gauge metric; use value',
      'invalid threshold "count>0" on "checks": "count" does not apply to checks, a rate metric; use rate',
      'invalid threshold "rate<1" on "http_req_duration{status:200}": "rate" does not apply to http_req_duration, a trend metric; use avg, min, max, med, p(N)',
      'invalid threshold "value>0" on "my_trend": "value" does not apply to my_trend, a trend metric; use avg, min, max, med, p(N)',
    ]);
  });

  it('reports every unparseable selector and expression, with the selector it belongs to', () => {
    // Prepare
    const th = {
      'http_reqs{status:200': [spec('count>0')],
      http_req_duration: [spec('p95<500'), spec('p(95)<500'), spec('avg =< 3')],
    };
    // Act
    const errors = validateThresholds(th, KNOWN_METRIC_TYPES);
    // Assess
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(
      /invalid threshold metric "http_reqs\{status:200": '\{' without a closing '\}'/,
    );
    expect(errors[1]).toMatch(
      /invalid threshold "p95<500": unknown method "p95" .* \(on "http_req_duration"\)$/,
    );
    expect(errors[2]).toMatch(/invalid threshold "avg =< 3": "=<" is not an operator/);
  });

  it('knows the k6 v2 built-in metric types and what each type accepts', () => {
    expect(BUILTIN_METRIC_TYPES.http_req_duration).toEqual({ type: 'trend', contains: 'time' });
    expect(BUILTIN_METRIC_TYPES.data_received).toEqual({ type: 'counter', contains: 'data' });
    expect(BUILTIN_METRIC_TYPES.checks).toEqual({ type: 'rate', contains: 'default' });
    expect(BUILTIN_METRIC_TYPES.vus_max).toEqual({ type: 'gauge', contains: 'default' });
    expect(MODULE_METRIC_TYPES.browser_web_vital_cls).toEqual({ type: 'trend', contains: 'default' });
    expect(METHODS_BY_TYPE).toEqual({
      counter: ['count', 'rate'],
      gauge: ['value'],
      rate: ['rate'],
      trend: ['avg', 'min', 'max', 'med', 'p'],
    });
  });
});
