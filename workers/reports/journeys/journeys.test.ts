import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, makeKey, makeSite, ok } from '../../../test/helpers/api';
import { Fixture } from '../../../test/helpers/query-fixtures';
import { QueryDb } from '../../query/db';
import { runJourneys, type JourneysRequest } from './run-journeys';

/*
 * journeys.test (UTC), range 2024-04-01 .. 2024-04-02. Pageviews per session (other events between them
 * are not pages):
 *   s1 v1  /  /pricing  [Signup, engagement]  /pricing  /signup       -> /, /pricing, /signup, (exit)
 *   s2 v2  /  /pricing                                                 -> /, /pricing, (exit)
 *   s3 v3  /  /pricing  /signup  /done  /a  /b                         -> 5 steps: /, /pricing, /signup, /done, /a
 *   s4 v4  /blog                                                       -> /blog, (exit)
 *   s5 v2  /  /pricing   (v2's second session, the next day)           -> /, /pricing, (exit)
 * v2 is anonymous: on two days it is two daily uniques (DESIGN §5, as the Stats API counts).
 *   s6 v6  04-02 23:50 /x, 04-03 00:10 /y (runs past the range's end)   -> /x, /y, (exit)
 *   s7 v7  03-31 23:55 /old, 04-01 00:05 /z (began before the range)   -> not counted
 *   s8 v8  Google  /pricing  /                                         -> /pricing, /, (exit)
 */
const SITE = 'journeys.test';
const NOW = Date.parse('2024-04-10T00:00:00Z');
const RANGE = ['2024-04-01', '2024-04-02'];

beforeAll(async () => {
  const pages = (...paths: string[]) => paths.map((path, i) => ({ path, after: i ? 30 : 0 }));
  await new Fixture(SITE)
    .visit({ visitor: 1, at: '2024-04-01T10:00:00Z' }, [
      { path: '/' }, { path: '/pricing', after: 10 }, { name: 'Signup', path: '/pricing', after: 5 }, { name: 'engagement', path: '/pricing', after: 1, engagedMs: 1000 },
      { path: '/pricing', after: 5 }, { path: '/signup', after: 10 },
    ])
    .visit({ visitor: 2, at: '2024-04-01T11:00:00Z' }, pages('/', '/pricing'))
    .visit({ visitor: 3, at: '2024-04-01T12:00:00Z' }, pages('/', '/pricing', '/signup', '/done', '/a', '/b'))
    .visit({ visitor: 4, at: '2024-04-01T13:00:00Z' }, pages('/blog'))
    .visit({ visitor: 2, at: '2024-04-02T11:00:00Z' }, pages('/', '/pricing'))
    .visit({ visitor: 6, at: '2024-04-02T23:50:00Z' }, [{ path: '/x' }, { path: '/y', after: 1200 }])
    .visit({ visitor: 7, at: '2024-03-31T23:55:00Z' }, [{ path: '/old' }, { path: '/z', after: 600 }])
    .visit({ visitor: 8, at: '2024-04-02T09:00:00Z', source: 'Google' }, pages('/pricing', '/'))
    .insert(env.DB);
});

const journeys = (req: Partial<JourneysRequest>, maxRawRows?: number) =>
  runJourneys(new QueryDb(env.DB), SITE, { start: null, steps: 5, limit: 20, dateRange: RANGE, filters: undefined, ...req }, NOW, { maxRawRows });
const paths = async (req: Partial<JourneysRequest>) => (await journeys(req)).paths.map((p) => [p.pages.join(' '), p.sessions, p.visitors]);

describe('journeys', () => {
  it('paths from the entry page: repeats collapsed, (exit) where sessions end, most sessions first', async () => {
    const answer = await journeys({});
    expect(answer.paths.map((p) => [p.pages.join(' '), p.sessions, p.visitors])).toEqual([
      ['/ /pricing (exit)', 2, 2],
      ['/ /pricing /signup (exit)', 1, 1],
      ['/ /pricing /signup /done /a', 1, 1],
      ['/blog (exit)', 1, 1],
      ['/pricing / (exit)', 1, 1],
      ['/x /y (exit)', 1, 1],
    ]);
    expect(answer.transitions.map((t) => [t.step, t.from, t.to, t.sessions])).toEqual([
      [1, '/', '/pricing', 4], [1, '/blog', '(exit)', 1], [1, '/pricing', '/', 1], [1, '/x', '/y', 1],
      [2, '/pricing', '(exit)', 2], [2, '/pricing', '/signup', 2], [2, '/', '(exit)', 1], [2, '/y', '(exit)', 1],
      [3, '/signup', '(exit)', 1], [3, '/signup', '/done', 1],
      [4, '/done', '/a', 1],
    ]);
    expect(answer.meta).toEqual({ date_range: ['2024-04-01T00:00:00Z', '2024-04-02T23:59:59Z'], start: null, steps: 5, sessions: 7, plan: 'raw' });
  });

  it('from the first view of a start page', async () => {
    const answer = await journeys({ start: '/pricing' });
    expect(answer.paths.map((p) => [p.pages.join(' '), p.sessions, p.visitors])).toEqual([
      ['/pricing (exit)', 2, 2],
      ['/pricing / (exit)', 1, 1],
      ['/pricing /signup (exit)', 1, 1],
      ['/pricing /signup /done /a /b', 1, 1],
    ]);
    expect(answer.meta.sessions).toBe(5);
  });

  it('steps and limit cut the paths', async () => {
    expect(await paths({ steps: 3, limit: 2 })).toEqual([['/ /pricing (exit)', 2, 2], ['/ /pricing /signup', 2, 2]]);
  });

  it('visit filters', async () => {
    expect(await paths({ filters: [['is', 'visit:source', ['Google']]] })).toEqual([['/pricing / (exit)', 1, 1]]);
  });

  it('refuses a scan over the bound and event filters', async () => {
    await expect(journeys({}, 5)).rejects.toThrow('This report would scan more than 5 events');
    await expect(journeys({ filters: [['is', 'event:page', ['/']]] })).rejects.toThrow(/visit dimensions only/);
  });
});

describe('GET /api/v1/sites/{site}/journeys', () => {
  it('answers over HTTP and names bad parameters', async () => {
    const site = await makeSite();
    await new Fixture(site).visit({ visitor: 1, at: '2024-04-01T10:00:00Z' }, [{ path: '/' }, { path: '/a', after: 5 }]).write(env.DB);
    const key = (await makeKey([site], 'stats:read')).token;
    const res = await ok<{ paths: unknown }>(call(`/api/v1/sites/${site}/journeys?date=2024-04-01,2024-04-01`, { token: key }));
    expect(res.paths).toEqual([{ pages: ['/', '/a', '(exit)'], sessions: 1, visitors: 1 }]);
    for (const [query, error] of [
      ['steps=1', 'steps: expected a whole number from 2 to 10'],
      ['steps=11', 'steps: expected a whole number from 2 to 10'],
      ['limit=0', 'limit: expected a whole number from 1 to 100'],
      ['limit=1.5', 'limit: expected a whole number from 1 to 100'],
      ['start=pricing', 'start: expected a page path starting with / (at most 2000 characters)'],
    ]) {
      const r = await call(`/api/v1/sites/${site}/journeys?${query}`, { token: key });
      expect([r.status, await r.json()]).toEqual([400, { error, code: 'invalid_query' }]);
    }
    expect((await call(`/api/v1/sites/${site}/journeys`)).status).toBe(401);
  });
});
