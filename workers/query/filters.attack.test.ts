/**
 * Issue 13: 5,000 identical `or` children reached D1 as one huge statement (SQLITE_TOOBIG, a 500).
 * The filter tree is now bounded (children, depth, leaves, values, value length) with 400s naming
 * the part, and a D1 size error that slips through anyway is a 400, while other D1 errors stay 500s.
 */
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, makeKey, makeSite } from '../../test/helpers/api';
import { Fixture } from '../../test/helpers/query-fixtures';
import { HttpError } from '../lib/http-error';
import { QueryDb } from './db';
import { runQuery } from './run-query';

let site: string;
let key: string;

beforeAll(async () => {
  site = await makeSite();
  await new Fixture(site)
    .visit({ visitor: 1, at: '2024-01-15T10:00:00Z' }, [{ path: '/' }, { path: '/p7', after: 5 }])
    .write(env.DB);
  key = (await makeKey([site], 'stats:read')).token;
});

const page = (v: string) => ['is', 'event:page', [v]];

async function ask(filters: unknown[]): Promise<{ status: number; json: { error?: string; code?: string; results?: unknown } }> {
  const body = { site_id: site, metrics: ['visitors', 'bounce_rate'], date_range: ['2024-01-15', '2024-01-15'], filters };
  const res = await call('/api/v2/query', { token: key, body });
  return { status: res.status, json: await res.json() };
}

describe('filter tree bounds', () => {
  it('refuses 5,000 identical or children with a 400 naming the list', async () => {
    // 5,000 children are over the 64 KB body limit (413); in-process callers have no body limit
    const filters = [['or', Array.from({ length: 5000 }, () => page('/'))]];
    const body = { site_id: site, metrics: ['visitors', 'bounce_rate'], date_range: ['2024-01-15', '2024-01-15'], filters };
    const err = await runQuery(env.DB, site, body, Date.now()).then(() => null, (e: unknown) => e);
    expect(err).toMatchObject({ status: 400, code: 'invalid_query', message: '#/filters/0/1: Invalid filter: or combines 5000 filters; at most 50 may be combined' });
    const { status, json } = await ask([['or', Array.from({ length: 2000 }, () => page('/'))]]);
    expect(status).toBe(400);
    expect(json).toEqual({ error: '#/filters/0/1: Invalid filter: or combines 2000 filters; at most 50 may be combined', code: 'invalid_query' });
  });

  it('answers 50 children', async () => {
    const { status, json } = await ask([['or', Array.from({ length: 50 }, (_, i) => page(`/p${i}`))]]);
    expect(status).toBe(200);
    expect(json.results).toEqual([{ metrics: [1, 0], dimensions: [] }]);
  });

  it('bounds the depth', async () => {
    let f: unknown = page('/');
    for (let i = 0; i < 12; i++) f = ['not', f];
    const { status, json } = await ask([f]);
    expect(status).toBe(400);
    expect(json.error).toBe(`#/filters/0${'/1'.repeat(9)}: Invalid filter: filters nest at most 8 levels deep`);
  });

  it('bounds the leaves over the whole tree', async () => {
    const groups = Array.from({ length: 3 }, (_, g) => ['and', Array.from({ length: 20 }, (_, i) => page(`/g${g}-${i}`))]);
    const { status, json } = await ask(groups);
    expect(status).toBe(400);
    expect(json.error).toBe('#/filters/2/1/10: Invalid filter: the filters have more than 50 conditions');
  });

  it('bounds values per leaf, over the tree, and their length', async () => {
    const many = (n: number) => ['is', 'event:page', Array.from({ length: n }, (_, i) => `/v${i}`)];
    expect((await ask([many(1001)])).json.error).toBe('#/filters/0/2: Expected a non-empty list of at most 1000 values');
    expect((await ask([many(1000), many(1000), many(1000)])).json.error).toBe('#/filters/2/2: Invalid filter: the filters list more than 2000 values in all');
    const long = await ask([['contains', 'event:page', ['x'.repeat(2001)]]]);
    expect(long).toEqual({ status: 400, json: { error: '#/filters/0/2/0: Filter values are at most 2000 characters', code: 'invalid_query' } });
  });
});

describe('D1 size errors', () => {
  it('answers SQLITE_TOOBIG and too many SQL variables as 400 query_too_large', async () => {
    const db = new QueryDb(env.DB);
    const huge = `SELECT 1 WHERE 1 IN (${Array(200_000).fill('1').join(',')})`;
    const vars = `SELECT 1 WHERE 1 IN (${Array(33_000).fill('?').join(',')})`;
    for (const run of [() => db.all(huge), () => db.batch([{ sql: huge, params: [] }]), () => db.all(vars, Array(33_000).fill(1))]) {
      const err = await run().then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(HttpError);
      expect(err).toMatchObject({ status: 400, code: 'query_too_large' });
    }
  });

  it('leaves other D1 errors alone (they are ours: a 500)', async () => {
    const err = await new QueryDb(env.DB).all('SELECT * FROM no_such_table').then(() => null, (e: unknown) => e);
    expect(err).not.toBeInstanceOf(HttpError);
    expect(String(err)).toContain('no such table');
  });
});
