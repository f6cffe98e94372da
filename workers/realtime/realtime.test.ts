import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createSite, siteStub } from '../../test/helpers/fixtures';
import type { RealtimeSnapshot } from '../../contract/realtime';
import { admin, ORIGIN, postEvent } from '../../test/helpers/realtime';

const getRealtime = (site: string, headers: Record<string, string> = admin, query = '') => SELF.fetch(`${ORIGIN}/api/v1/sites/${site}/realtime${query}`, { headers });

async function addGoal(site: string, goal: Record<string, string>) {
  const res = await SELF.fetch(`${ORIGIN}/api/v1/sites/${site}/goals`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify(goal) });
  expect(res.status).toBe(201);
}

describe('GET /api/v1/sites/:site/realtime', () => {
  it('answers from the SiteDO after events through the collector, with goals from D1', async () => {
    await createSite('rt-api.test');
    await addGoal('rt-api.test', { event_name: 'Signup' });
    await addGoal('rt-api.test', { page_path: '/docs/**' });
    await postEvent('rt-api.test', '192.0.2.1', '/docs/a/b');
    await postEvent('rt-api.test', '192.0.2.1', '/docs/a/b', 'Signup');
    await postEvent('rt-api.test', '192.0.2.2', '/', 'pageview', 'US');
    const res = await getRealtime('rt-api.test');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.json<RealtimeSnapshot>();
    expect(body).toMatchObject({ site: 'rt-api.test', visitors: 2, visitors_30m: 2, pageviews: 2, events: 3 });
    expect(body.countries).toEqual([{ name: 'DE', visitors: 1, pageviews: 1 }, { name: 'US', visitors: 1, pageviews: 1 }]);
    expect(body.goals).toEqual([
      { name: 'Signup', visitors: 1, events: 1, conversion_rate: 50 },
      { name: 'Visit /docs/**', visitors: 1, events: 1, conversion_rate: 50 },
    ]);
    expect(body.recent).toHaveLength(3);
    expect(body.minutes.at(-1)).toMatchObject({ pageviews: 2, visitors: 2, events: 3 });
    expect((await getRealtime('rt-api.test', admin, '?limit=1').then((r) => r.json<RealtimeSnapshot>())).countries).toHaveLength(1);
    expect((await getRealtime('rt-api.test', admin, '?limit=0')).status).toBe(400);
  });

  it('refuses without read access and answers 404 for an unknown site', async () => {
    await createSite('rt-closed.test');
    expect((await getRealtime('rt-closed.test', {})).status).toBe(401);
    expect((await getRealtime('rt-nosuch.test')).status).toBe(404);
  });

  it('merges shards: visitors are summed (each visitor lives on one shard), lists are summed and re-ranked', async () => {
    await createSite('rt-shards.test', { shards: 3 });
    const ips = Array.from({ length: 18 }, (_, i) => `198.51.100.${i + 1}`);
    for (const [i, ip] of ips.entries()) {
      await postEvent('rt-shards.test', ip, i % 3 === 0 ? '/top' : `/page-${i}`);
      await postEvent('rt-shards.test', ip, '/top'); // same visitor again: still one visitor
    }
    const body = await (await getRealtime('rt-shards.test')).json<RealtimeSnapshot>();
    const parts = await Promise.all([0, 1, 2].map((n) => siteStub(`rt-shards.test#${n}`).snapshot({ goals: [], limit: 1000 })));
    expect(parts.filter((p) => p.visitors > 0).length).toBeGreaterThan(1);
    expect(parts.reduce((sum, p) => sum + p.visitors, 0)).toBe(18);
    expect(body).toMatchObject({ visitors: 18, visitors_30m: 18, pageviews: 36, events: 36 });
    expect(body.pages[0]).toEqual({ name: '/top', visitors: 18, pageviews: 24 });
    expect(body.pages).toHaveLength(10);
    expect(body.recent).toHaveLength(36);
    expect(body.minutes.reduce((sum, m) => sum + m.pageviews, 0)).toBe(36);
  });
});
