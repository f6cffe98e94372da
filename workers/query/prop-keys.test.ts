import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, makeKey, makeSite } from '../../test/helpers/api';
import { Fixture } from '../../test/helpers/query-fixtures';

let site: string;
let key: string;

beforeAll(async () => {
  site = await makeSite();
  // plan on 3 events, path on 1; one event outside the range; a pageview without props
  await new Fixture(site)
    .visit({ visitor: 1, at: '2024-03-10T10:00:00Z' }, [{ path: '/' }, { name: 'Signup', props: { plan: 'pro', path: '/a' }, after: 5 }])
    .visit({ visitor: 2, at: '2024-03-11T10:00:00Z' }, [{ name: 'Signup', props: { plan: 'free' } }, { name: 'Upgrade', props: { plan: 'pro' }, after: 5 }])
    .visit({ visitor: 3, at: '2024-04-01T10:00:00Z' }, [{ name: 'Signup', props: { coupon: 'x' } }])
    // a web vital's props are Pulse's own fields, not custom properties
    .visit({ visitor: 4, at: '2024-03-12T10:00:00Z' }, [{ path: '/' }, { name: 'web-vital', props: { metric: 'LCP', value: '1200' }, after: 2 }])
    .write(env.DB);
  key = (await makeKey([site], 'stats:read')).token;
});

const keys = (range: string, token = key) => call(`/api/v1/sites/${site}/prop-keys?date_range=${encodeURIComponent(range)}`, { token });

describe('GET /api/v1/sites/:site/prop-keys', () => {
  it("lists the range's property keys, most used first", async () => {
    const res = await keys('["2024-03-01","2024-03-31"]');
    expect(res.status).toBe(200);
    const json = await res.json<{ keys: { key: string; events: number }[]; date_range: string[] }>();
    expect(json.keys).toEqual([
      { key: 'plan', events: 3 },
      { key: 'path', events: 1 },
    ]);
    expect(json.date_range[0]).toMatch(/^2024-03-01T00:00:00/);
  });

  it('needs stats:read on the site, and names a bad range', async () => {
    expect((await keys('30d', '')).status).toBe(401);
    const other = (await makeKey([await makeSite()], 'stats:read')).token;
    expect((await keys('30d', other)).status).toBe(403);
    const bad = await keys('[2024');
    expect(bad.status).toBe(400);
    expect((await bad.json<{ error: string }>()).error).toMatch(/date_range/);
    expect((await keys('forever')).status).toBe(400);
  });
});
