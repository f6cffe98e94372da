import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, call, makeKey, makeSite, ok, ORIGIN } from '../../../test/helpers/api';
import { Fixture } from '../../../test/helpers/query-fixtures';

let site: string;
let key: string;
let pricing: string;
let signup: string;
let funnelId: string;

beforeAll(async () => {
  site = await makeSite();
  const admin = adminToken();
  signup = (await ok<{ id: string }>(call(`/api/v1/sites/${site}/goals`, { token: admin, body: { event_name: 'Signup' } }), 201)).id;
  pricing = (await ok<{ id: string }>(call(`/api/v1/sites/${site}/goals`, { token: admin, body: { page_path: '/pricing' } }), 201)).id;
  funnelId = (await ok<{ id: string }>(call(`/api/v1/sites/${site}/funnels`, { token: admin, body: { name: 'Pricing to signup', steps: [pricing, signup] } }), 201)).id;
  // v1 Google: /pricing +40 Signup; v2: /pricing only; v3: Signup only
  await new Fixture(site)
    .visit({ visitor: 1, at: '2024-05-01T10:00:00Z', source: 'Google' }, [{ path: '/pricing' }, { name: 'Signup', path: '/pricing', after: 40 }])
    .visit({ visitor: 2, at: '2024-05-01T11:00:00Z' }, [{ path: '/pricing' }])
    .visit({ visitor: 3, at: '2024-05-02T11:00:00Z' }, [{ name: 'Signup', path: '/' }])
    .write(env.DB);
  key = (await makeKey([site], 'stats:read')).token;
});

describe('GET /api/v1/sites/{site}/funnels/{id}', () => {
  it('answers a stored funnel with a stats:read key, period and filters as URL parameters', async () => {
    const res = await ok(call(`/api/v1/sites/${site}/funnels/${funnelId}?date=2024-05-01,2024-05-02`, { token: key }));
    expect(res).toEqual({
      funnel: { id: funnelId, name: 'Pricing to signup' },
      steps: [
        { name: 'Visit /pricing', visitors: 2, conversion_rate: 100, step_conversion_rate: 100, dropoff: 0, median_seconds: null },
        { name: 'Signup', visitors: 1, conversion_rate: 50, step_conversion_rate: 50, dropoff: 1, median_seconds: 40 },
      ],
      meta: { date_range: ['2024-05-01T00:00:00Z', '2024-05-02T23:59:59Z'], window: 'session', plan: 'raw' },
    });
    const filters = encodeURIComponent(JSON.stringify([['is', 'visit:source', ['Google']]]));
    const google = await ok<{ steps: { visitors: number }[] }>(call(`/api/v1/sites/${site}/funnels/${funnelId}?date=2024-05-01,2024-05-02&filters=${filters}&window=7d`, { token: key }));
    expect(google.steps.map((s) => s.visitors)).toEqual([1, 1]);
  });

  it('404 for a funnel of no such id, 401 without a key, 400 for bad parameters', async () => {
    expect((await call(`/api/v1/sites/${site}/funnels/nope`, { token: key })).status).toBe(404);
    expect((await call(`/api/v1/sites/${site}/funnels/${funnelId}`)).status).toBe(401);
    const bad = await call(`/api/v1/sites/${site}/funnels/${funnelId}?window=1y`, { token: key });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: '#/window: Expected "session", "24h" or "7d", got "1y"', code: 'invalid_query' });
    expect((await call(`/api/v1/sites/${site}/funnels/${funnelId}?filters=%5B`, { token: key })).status).toBe(400);
    expect((await call(`/api/v1/sites/${site}/funnels/${funnelId}?date=2024-05-01`, { token: key })).status).toBe(400);
  });
});

describe('POST /api/v1/sites/{site}/funnels/query', () => {
  it('answers ad-hoc steps: goal ids and event filters', async () => {
    const res = await ok<{ funnel: unknown; steps: { name: string; visitors: number }[] }>(call(`/api/v1/sites/${site}/funnels/query`, {
      token: key,
      body: { name: 'ad hoc', steps: [['is', 'event:page', ['/pricing']], signup], date_range: ['2024-05-01', '2024-05-02'] },
    }));
    expect(res.funnel).toEqual({ id: null, name: 'ad hoc' });
    // an event:page filter step matches any event on the page: v1's pageview, v2's pageview
    expect(res.steps.map((s) => [s.name, s.visitors])).toEqual([['Visit /pricing', 2], ['Signup', 1]]);
  });

  it('400 with {error, code} for bad bodies', async () => {
    const post = (body: unknown) => call(`/api/v1/sites/${site}/funnels/query`, { token: key, body });
    const cases: [unknown, string][] = [
      [{ steps: [pricing] }, '#/steps: a funnel has 2 to 8 steps, got 1'],
      [{ steps: [pricing, pricing] }, '#/steps/1: repeats step 1; each step may appear once'],
      [{ steps: [pricing, signup], extra: 1 }, '#/extra: Unknown key "extra"'],
      [{ date_range: '30d' }, '#: Required property steps was not present.'],
      [[1, 2], '#: Expected a JSON object'],
    ];
    for (const [body, error] of cases) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error, code: 'invalid_query' });
    }
    const notJson = await postText(`/api/v1/sites/${site}/funnels/query`, key, '{');
    expect(notJson).toEqual([400, { error: '#: Request body must be JSON', code: 'invalid_query' }]);
  });

  it('refuses another site\'s key', async () => {
    const other = await makeSite();
    const otherKey = (await makeKey([other], 'stats:read')).token;
    expect((await call(`/api/v1/sites/${site}/funnels/query`, { token: otherKey, body: { steps: [pricing, signup] } })).status).toBe(403);
  });
});

async function postText(path: string, token: string, text: string): Promise<[number, unknown]> {
  const res = await SELF.fetch(`${ORIGIN}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: text });
  return [res.status, await res.json()];
}
