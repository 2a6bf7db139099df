// A realistic k6 test for the bundled target: log in once in setup(), browse and
// fetch items under a ramping load, judge with thresholds (evaluated fleet-wide).
// Run it as a fleet:  npm run demo   (or: npx k6-fleet run examples/checkout.js -e TARGET=http://127.0.0.1:PORT)
import { check, sleep } from 'k6';
import http from 'k6/http';

const TARGET = __ENV.TARGET || 'http://127.0.0.1:8080';

export const options = {
  scenarios: {
    browse: {
      executor: 'ramping-vus',
      startVUs: 0,
      stages: [
        { duration: '5s', target: 30 },
        { duration: '10s', target: 30 },
        { duration: '5s', target: 0 },
      ],
      gracefulRampDown: '2s',
    },
    orders: {
      executor: 'constant-arrival-rate',
      rate: 40,
      timeUnit: '1s',
      duration: '20s',
      preAllocatedVUs: 12,
      exec: 'order',
    },
  },
  thresholds: {
    http_req_failed: [{ threshold: 'rate<0.05', abortOnFail: true, delayAbortEval: '5s' }],
    http_req_duration: ['p(95)<250', 'p(99)<500'],
    'http_req_duration{scenario:orders}': ['p(95)<300'],
    checks: ['rate>0.95'],
    http_reqs: ['count>1000'],
  },
};

export function setup() {
  const res = http.post(`${TARGET}/login`, JSON.stringify({ user: 'demo' }), {
    headers: { 'Content-Type': 'application/json' },
  });
  check(res, { 'logged in': (r) => r.status === 200 });
  return { token: res.json('token') };
}

export default function (data) {
  const res = http.get(`${TARGET}/api/items/${Math.floor(Math.random() * 1000)}`, {
    headers: { Authorization: `Bearer ${data.token}` },
    tags: { name: 'item' },
  });
  check(res, { 'item 200': (r) => r.status === 200 });
  sleep(0.1);
}

export function order(data) {
  const res = http.post(`${TARGET}/api/orders`, '{}', { headers: { Authorization: `Bearer ${data.token}` } });
  check(res, { 'order accepted': (r) => r.status < 400 });
}

export function teardown() {
  http.get(`${TARGET}/health`);
}
