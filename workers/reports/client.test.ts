// The typed client's report methods against the real Worker (SELF.fetch as the client's fetch):
// what they send is what the routes read, and what they return is the API's answer.
import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { createClient, type PulseClient } from '../../sdk/client/index';
import { adminToken, call, makeKey, makeSite, ok, ORIGIN } from '../../test/helpers/api';
import { Fixture } from '../../test/helpers/query-fixtures';

let site: string;
let key: string;
let funnelId: string;
let pulse: PulseClient;

beforeAll(async () => {
  site = await makeSite();
  const admin = adminToken();
  const signup = (await ok<{ id: string }>(call(`/api/v1/sites/${site}/goals`, { token: admin, body: { event_name: 'Signup' } }), 201)).id;
  const pricing = (await ok<{ id: string }>(call(`/api/v1/sites/${site}/goals`, { token: admin, body: { page_path: '/pricing' } }), 201)).id;
  funnelId = (await ok<{ id: string }>(call(`/api/v1/sites/${site}/funnels`, { token: admin, body: { name: 'P', steps: [pricing, signup] } }), 201)).id;
  await new Fixture(site)
    .visit({ visitor: 1, identified: true, at: '2024-06-03T10:00:00Z', source: 'Google' }, [{ path: '/pricing' }, { name: 'Signup', path: '/pricing', after: 20 }])
    .visit({ visitor: 1, identified: true, at: '2024-06-11T10:00:00Z' }, [{ path: '/' }])
    .visit({ visitor: 2, at: '2024-06-04T10:00:00Z' }, [{ path: '/' }, { path: '/pricing', after: 5 }])
    .write(env.DB);
  key = (await makeKey([site], 'stats:read')).token;
  pulse = createClient({ baseUrl: ORIGIN, key, fetch: (input, init) => SELF.fetch(input, init) });
});

const api = async (path: string) => ok(call(path, { token: key }));

describe('client report methods', () => {
  it('funnel and funnelQuery', async () => {
    const stored = await pulse.funnel(site, funnelId, { date: '2024-06-03,2024-06-09' });
    expect(stored.steps.map((s) => [s.name, s.visitors, s.median_seconds])).toEqual([['Visit /pricing', 2, null], ['Signup', 1, 20]]);
    expect(stored).toEqual(await api(`/api/v1/sites/${site}/funnels/${funnelId}?date=2024-06-03,2024-06-09`));
    const google = await pulse.funnel(site, funnelId, { date: '2024-06-03,2024-06-09', filters: [['is', 'visit:source', ['Google']]], window: '7d' });
    expect(google.steps.map((s) => s.visitors)).toEqual([1, 1]);
    const adhoc = await pulse.funnelQuery(site, { steps: [['is', 'event:page', ['/']], ['is', 'event:page', ['/pricing']]], date_range: ['2024-06-03', '2024-06-09'] });
    expect(adhoc.steps.map((s) => s.visitors)).toEqual([1, 1]);
  });

  it('retention and journeys', async () => {
    const retention = await pulse.retention(site, { interval: 'week', date: '2024-06-03,2024-06-16' });
    expect(retention.cohorts).toEqual([
      { cohort: '2024-06-03', visitors: 1, retained: [1, 1], percent: [100, 100] },
      { cohort: '2024-06-10', visitors: 0, retained: [0], percent: [0] },
    ]);
    expect(retention).toEqual(await api(`/api/v1/sites/${site}/retention?interval=week&date=2024-06-03,2024-06-16`));
    const journeys = await pulse.journeys(site, { date: '2024-06-03,2024-06-04', start: '/pricing', steps: 3 });
    expect(journeys.paths).toEqual([{ pages: ['/pricing', '(exit)'], sessions: 2, visitors: 2 }]);
  });

  it('errors surface as PulseApiError with the server message', async () => {
    await expect(pulse.retention(site, { interval: 'year' as 'week' })).rejects.toMatchObject({ status: 400, message: 'interval: expected day, week or month, got "year"' });
  });
});
