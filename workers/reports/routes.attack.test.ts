// Junk in every parameter and body field of the report routes: always a 4xx in the house shape
// `{error, code}`, never a 5xx (share links and public sites let anyone call these).
import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, call, makeKey, makeSite, ok, ORIGIN } from '../../test/helpers/api';
import { Fixture } from '../../test/helpers/query-fixtures';

let site: string;
let key: string;
let funnelId: string;
let goal: string;

beforeAll(async () => {
  site = await makeSite();
  goal = (await ok<{ id: string }>(call(`/api/v1/sites/${site}/goals`, { token: adminToken(), body: { event_name: 'Signup' } }), 201)).id;
  const page = (await ok<{ id: string }>(call(`/api/v1/sites/${site}/goals`, { token: adminToken(), body: { page_path: '/**' } }), 201)).id;
  funnelId = (await ok<{ id: string }>(call(`/api/v1/sites/${site}/funnels`, { token: adminToken(), body: { name: 'f', steps: [page, goal] } }), 201)).id;
  await new Fixture(site).visit({ visitor: 1, at: '2024-01-01T00:00:00Z' }, [{ path: '/' }]).write(env.DB);
  key = (await makeKey([site], 'stats:read')).token;
});

const deep = (n: number): unknown => (n === 0 ? ['is', 'visit:source', ['x']] : ['and', [deep(n - 1)]]);
const JUNK = ['', '[', '{}', '[[]]', 'null', '1e999', '"x"', JSON.stringify(deep(20)), JSON.stringify([['matches', 'visit:source', ['(?=x)']]]),
  JSON.stringify([['is', 'visit:country', ['x'.repeat(3000)]]]), JSON.stringify(Array.from({ length: 60 }, () => ['is', 'visit:source', ['x']])), '%zz'];

async function expect4xx(res: Response, what: string) {
  const text = await res.text();
  expect(res.status, `${what}: ${text}`).toBeGreaterThanOrEqual(400);
  expect(res.status, `${what}: ${text}`).toBeLessThan(500);
  const body = JSON.parse(text) as { error?: unknown; code?: unknown };
  expect(typeof body.error, what).toBe('string');
  expect(typeof body.code, what).toBe('string');
}

describe('report routes under junk input', () => {
  // each route with the parameters it reads, one route per test (each value is a request)
  const ROUTES: [string, string[]][] = [
    ['funnels/{id}', ['filters', 'date', 'period', 'window']],
    ['retention', ['filters', 'date', 'period', 'interval']],
    ['journeys', ['filters', 'date', 'steps', 'limit', 'start']],
  ];
  const VALUES = [...JUNK, '-1', '99999999999999999999', '2024-13-01,2024-01-01', '0001-01-01,9999-12-31'];
  it.each(ROUTES)('GET %s parameters', async (route, params) => {
    const path = route.replace('{id}', funnelId);
    for (const param of params) {
      for (const value of VALUES) {
        const url = `${ORIGIN}/api/v1/sites/${site}/${path}?${param}=${value === '%zz' ? value : encodeURIComponent(value)}`;
        const res = await SELF.fetch(url, { headers: { authorization: `Bearer ${key}` } });
        if (res.status === 200) {
          await res.arrayBuffer(); // a valid value
          continue;
        }
        await expect4xx(res, `${path} ${param}=${value.slice(0, 40)}`);
      }
    }
  });

  it('POST funnels/query bodies', async () => {
    const bodies: unknown[] = [
      null, 1, 'x', [], {}, { steps: null }, { steps: 'x' }, { steps: [goal, goal] }, { steps: [goal, {}] }, { steps: [goal, [1, 2, 3]] },
      { steps: [goal, deep(20)] }, { steps: [goal, ['sequence', [['is', 'event:page', ['/']]]]] }, { steps: Array.from({ length: 1000 }, (_, i) => `g${i}`) },
      { steps: [goal, ['is', 'event:page', ['/']]], date_range: { a: 1 } }, { steps: [goal, ['is', 'event:page', ['/']]], date_range: ['0000-01-01', '9999-99-99'] },
      { steps: [goal, ['is', 'event:page', ['/']]], window: 7 }, { steps: [goal, ['is', 'event:page', ['/']]], filters: 'x' }, { steps: [goal, ['is', 'event:page', ['/']]], name: 5 },
      { steps: [goal, ['matches', 'event:page', ['(a']]] }, { steps: [goal, ['is', 'event:props:' + 'x'.repeat(400), ['a']]] },
    ];
    for (const body of bodies) {
      const res = await SELF.fetch(`${ORIGIN}/api/v1/sites/${site}/funnels/query`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      await expect4xx(res, JSON.stringify(body).slice(0, 80));
    }
    const nested = '['.repeat(10_000) + ']'.repeat(10_000);
    await expect4xx(await SELF.fetch(`${ORIGIN}/api/v1/sites/${site}/funnels/query`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: `{"steps": ${nested}}` }), 'deep body');
    await expect4xx(await SELF.fetch(`${ORIGIN}/api/v1/sites/${site}/funnels/query`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: 'x'.repeat(70_000) }), 'big body');
  });
});
