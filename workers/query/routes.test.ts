import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, makeKey, makeSite } from '../../test/helpers/api';
import { csvField } from './csv';
import { Fixture } from '../../test/helpers/query-fixtures';

let site: string;
let other: string;
let key: string;

beforeAll(async () => {
  site = await makeSite();
  other = await makeSite();
  const f = new Fixture(site)
    .visit({ visitor: 1, at: '2024-01-15T10:00:00Z', source: 'Google' }, [{ path: '/' }, { path: '/=cmd', after: 5 }])
    .visit({ visitor: 2, at: '2024-01-15T11:00:00Z' }, [{ path: '/' }]);
  await f.write(env.DB);
  key = (await makeKey([site], 'stats:read')).token;
});

const body = () => ({ site_id: site, metrics: ['visitors', 'pageviews'], dimensions: ['event:page'], date_range: ['2024-01-15', '2024-01-15'] });

describe('POST /api/v2/query', () => {
  it('answers a Plausible v2 request with a stats:read key', async () => {
    const res = await call('/api/v2/query', { token: key, body: body() });
    expect(res.status).toBe(200);
    const json = await res.json<{ results: unknown[]; meta: unknown; query: Record<string, unknown> }>();
    expect(json.results).toEqual([
      { dimensions: ['/'], metrics: [2, 2] },
      { dimensions: ['/=cmd'], metrics: [1, 1] },
    ]);
    expect(json.meta).toEqual({});
    expect(json.query.site_id).toBe(site);
  });

  it('refuses anonymous callers and keys of another site', async () => {
    expect((await call('/api/v2/query', { body: body() })).status).toBe(401);
    const otherKey = (await makeKey([other], 'stats:read')).token;
    expect((await call('/api/v2/query', { token: otherKey, body: body() })).status).toBe(403);
    const writeKey = (await makeKey([site], 'events:write')).token;
    expect((await call('/api/v2/query', { token: writeKey, body: body() })).status).toBe(403);
  });

  it('answers bad requests with 400 and a message naming the bad part', async () => {
    const res = await call('/api/v2/query', { token: key, body: { ...body(), metrics: ['visitors', 'baa'] } });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: '#/metrics/1: Invalid metric "baa"', code: 'invalid_query' });
    const noSite = await call('/api/v2/query', { token: key, body: { metrics: ['visitors'] } });
    expect(noSite.status).toBe(400);
    for (const [pattern, why] of [['(a)\\1', 'a backreference'], ['(?=a)', 'lookaround']]) {
      const regex = await call('/api/v2/query', { token: key, body: { ...body(), filters: [['matches', 'event:page', ['^/', pattern]]] } });
      expect(regex.status, pattern).toBe(400);
      const error = `#/filters/0/2/1: Invalid regular expression ${JSON.stringify(pattern)}: uses ${why}, which RE2 (the syntax Plausible and Pulse accept) does not support`;
      expect(await regex.json()).toEqual({ error, code: 'invalid_query' });
    }
  });
});

describe('GET /api/v1/sites/:site/export.csv', () => {
  it('streams every row as CSV, defusing formula cells', async () => {
    const qs = new URLSearchParams({ metrics: 'visitors,pageviews', dimensions: 'event:page', date_range: '["2024-01-15","2024-01-15"]' });
    const res = await call(`/api/v1/sites/${site}/export.csv?${qs}`, { token: key });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toContain(`${site}-2024-01-15-2024-01-15.csv`);
    expect(await res.text()).toBe("event:page,visitors,pageviews\r\n/,2,2\r\n/=cmd,1,1\r\n");
  });

  it('takes the whole query as JSON too, and needs stats:read', async () => {
    const qs = new URLSearchParams({ query: JSON.stringify({ metrics: ['visitors'], date_range: ['2024-01-15', '2024-01-15'] }) });
    expect(await (await call(`/api/v1/sites/${site}/export.csv?${qs}`, { token: key })).text()).toBe('visitors\r\n2\r\n');
    expect((await call(`/api/v1/sites/${site}/export.csv?${qs}`)).status).toBe(401);
  });

  it('quotes fields as RFC 4180 says', () => {
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(null)).toBe('');
  });
});
