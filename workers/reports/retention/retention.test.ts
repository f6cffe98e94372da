import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, call, makeKey, makeSite, ok } from '../../../test/helpers/api';
import { Fixture } from '../../../test/helpers/query-fixtures';
import { hashUid } from '../../lib/visitor-id';
import { QueryDb } from '../../query/db';
import { refreshSite } from '../../rollups/refresh';
import { RETENTION_NOTE, runRetention, type RetentionPlan, type RetentionRequest } from './run-retention';

/*
 * retention.test, America/New_York (EST, UTC-5 all January). Weeks start on Monday: 2024-01-01, -08, -15.
 * Identified visitors (first session -> later sessions), in local time:
 *   A 100  Sun 01-07 22:00 (03:00Z Monday in UTC!) Google -> Tue 01-09, Tue 01-16     cohort 01-01
 *   B 101  Sun 01-14 23:00 (04:00Z Monday)          -> Mon 01-15 01:00             cohort 01-08
 *   C 102  Tue 01-02 -> Wed 01-03 (same week) -> Tue 01-16 (Google)                   cohort 01-01
 *   D 103  Wed 01-10, never again                                                   cohort 01-08
 *   E 104  2023-12-20 -> 2024-01-03: first seen before January
 *   F 105  Tue 01-16                                                                cohort 01-15
 *   anonymous 200 on 01-02 and 01-09: never followed
 */
const SITE = 'retention.test';
const NOW = Date.parse('2024-02-01T12:00:00Z');

beforeAll(async () => {
  const f = new Fixture(SITE, 'America/New_York');
  const seen = (visitor: number, at: string, extra: Record<string, string> = {}, identified = true) => f.visit({ visitor, identified, at, ...extra }, [{ path: '/' }]);
  seen(100, '2024-01-08T03:00:00Z', { source: 'Google' });
  seen(100, '2024-01-09T15:00:00Z');
  seen(100, '2024-01-16T15:00:00Z');
  seen(101, '2024-01-15T04:00:00Z');
  seen(101, '2024-01-15T06:00:00Z');
  seen(102, '2024-01-02T12:00:00Z');
  seen(102, '2024-01-03T12:00:00Z');
  seen(102, '2024-01-16T12:00:00Z', { source: 'Google' });
  seen(103, '2024-01-10T12:00:00Z');
  seen(104, '2023-12-20T12:00:00Z');
  seen(104, '2024-01-03T12:00:00Z');
  seen(105, '2024-01-16T12:00:00Z');
  seen(200, '2024-01-02T12:00:00Z', {}, false);
  seen(200, '2024-01-09T12:00:00Z', {}, false);
  await f.insert(env.DB);
  // the rollup refresh builds the pre-aggregates of every day (its first run rebuilds them all)
  while ((await refreshSite(new QueryDb(env.DB), SITE, 'America/New_York', NOW)).pending.length);
});

// both plans must give every hand-computed answer below
describe.each<RetentionPlan>(['raw', 'pre-aggregated'])('retention (%s): cohorts of identified visitors in the site\'s time zone', (plan) => {
  const retention = (req: Partial<RetentionRequest>) => runRetention(new QueryDb(env.DB), SITE, { interval: 'week', dateRange: null, filters: undefined, ...req }, NOW, { plan });

  it('weekly cohorts use local Monday weeks: A joins the week of 01-01 (Sunday evening in New York)', async () => {
    const answer = await retention({ dateRange: ['2024-01-01', '2024-01-21'] });
    expect(answer.cohorts).toEqual([
      // A, C; week +1: A (01-09); week +2: A and C (01-16)
      { cohort: '2024-01-01', visitors: 2, retained: [2, 1, 2], percent: [100, 50, 100] },
      // B, D; week +1: B (Monday 01-15 01:00)
      { cohort: '2024-01-08', visitors: 2, retained: [2, 1], percent: [100, 50] },
      { cohort: '2024-01-15', visitors: 1, retained: [1], percent: [100] },
    ]);
    expect(answer.meta).toEqual({ interval: 'week', date_range: ['2024-01-01T00:00:00-05:00', '2024-01-21T23:59:59-05:00'], note: RETENTION_NOTE, plan });
  });

  it('widens the range to whole weeks', async () => {
    // Wednesday 01-03 .. Tuesday 01-09 covers the weeks of 01-01 and 01-08
    const answer = await retention({ dateRange: ['2024-01-03', '2024-01-09'] });
    expect(answer.cohorts.map((c) => [c.cohort, c.visitors, c.retained])).toEqual([['2024-01-01', 2, [2, 1]], ['2024-01-08', 2, [2]]]);
    expect(answer.meta.date_range).toEqual(['2024-01-01T00:00:00-05:00', '2024-01-14T23:59:59-05:00']);
  });

  it('daily and monthly cohorts', async () => {
    // 01-07: A (returns 01-09 local); 01-08: nobody new (B is 01-14 local); 01-09: nobody
    const days = await retention({ interval: 'day', dateRange: ['2024-01-07', '2024-01-09'] });
    expect(days.cohorts).toEqual([
      { cohort: '2024-01-07', visitors: 1, retained: [1, 0, 1], percent: [100, 0, 100] },
      { cohort: '2024-01-08', visitors: 0, retained: [0, 0], percent: [0, 0] },
      { cohort: '2024-01-09', visitors: 0, retained: [0], percent: [0] },
    ]);
    // December: E, back in January; January: A, B, C, D, F
    const months = await retention({ interval: 'month', dateRange: ['2023-12-01', '2024-01-31'] });
    expect(months.cohorts.map((c) => [c.cohort, c.visitors, c.retained, c.percent])).toEqual([['2023-12-01', 1, [1, 1], [100, 100]], ['2024-01-01', 5, [5], [100]]]);
  });

  it('filters apply to the first session: Google-acquired visitors are A alone (C came from Google later)', async () => {
    const answer = await retention({ dateRange: ['2024-01-01', '2024-01-21'], filters: [['is', 'visit:source', ['Google']]] });
    expect(answer.cohorts.map((c) => [c.visitors, c.retained])).toEqual([[1, [1, 1, 1]], [0, [0, 0]], [0, [0]]]);
  });

  it('a filter on a value of no first session leaves every cohort empty', async () => {
    const answer = await retention({ dateRange: ['2024-01-01', '2024-01-21'], filters: [['is', 'visit:source', ['Bing']]] });
    expect(answer.cohorts.map((c) => c.visitors)).toEqual([0, 0, 0]);
  });

  it('refuses too many cohorts and bad filters', async () => {
    await expect(retention({ interval: 'day', dateRange: ['2023-01-01', '2023-12-31'] })).rejects.toThrow('the range holds 365 days; a retention report holds at most 180 cohorts');
    await expect(retention({ filters: [['is', 'event:page', ['/']]] })).rejects.toThrow(/visit dimensions only/);
  });
});

describe('retention plans', () => {
  it('the raw plan refuses a scan over the bound; the pre-aggregated plan has none to make', async () => {
    const run = (plan: RetentionPlan) => runRetention(new QueryDb(env.DB), SITE, { interval: 'week', dateRange: ['2024-01-01', '2024-01-21'], filters: undefined }, NOW, { maxRawRows: 3, plan });
    await expect(run('raw')).rejects.toThrow('This report would scan more than 3 sessions');
    expect((await run('pre-aggregated')).cohorts.map((c) => c.visitors)).toEqual([2, 2, 1]);
  });

  it('chooses the pre-aggregates once the refresh has counted the site, raw before', async () => {
    const auto = () => runRetention(new QueryDb(env.DB), SITE, { interval: 'week', dateRange: ['2024-01-01', '2024-01-21'], filters: undefined }, NOW);
    expect((await auto()).meta.plan).toBe('pre-aggregated');
    const fresh = 'retention-unrefreshed.test';
    await new Fixture(fresh).visit({ visitor: 7, identified: true, at: '2024-01-02T10:00:00Z' }, [{ path: '/' }]).insert(env.DB);
    const answer = await runRetention(new QueryDb(env.DB), fresh, { interval: 'week', dateRange: ['2024-01-01', '2024-01-07'], filters: undefined }, NOW);
    expect([answer.meta.plan, answer.cohorts[0]!.visitors]).toEqual(['raw', 1]);
  });

  it('keeps the raw plan for a site refreshed before the pre-aggregates existed (migration 0016 marks them)', async () => {
    const auto = () => runRetention(new QueryDb(env.DB), SITE, { interval: 'week', dateRange: ['2024-01-01', '2024-01-21'], filters: undefined }, NOW);
    await env.DB.prepare('UPDATE rollup_state SET reports_preagg = 0 WHERE site_id = ?').bind(SITE).run();
    try {
      const answer = await auto();
      expect([answer.meta.plan, answer.cohorts.map((c) => c.visitors)]).toEqual(['raw', [2, 2, 1]]);
    } finally {
      await env.DB.prepare('UPDATE rollup_state SET reports_preagg = 1 WHERE site_id = ?').bind(SITE).run();
    }
    expect((await auto()).meta.plan).toBe('pre-aggregated');
  });
});

describe('GET /api/v1/sites/{site}/retention', () => {
  it('answers over HTTP, and an erased visitor leaves the cohorts', async () => {
    const site = await makeSite();
    const secret = (await env.DB.prepare('SELECT uid_secret FROM sites WHERE id = ?').bind(site).first<{ uid_secret: string }>())!.uid_secret;
    const alice = await hashUid(secret, 'alice');
    const bob = await hashUid(secret, 'bob');
    await new Fixture(site)
      .visit({ visitor: alice, identified: true, at: '2024-03-04T10:00:00Z' }, [{ path: '/' }])
      .visit({ visitor: alice, identified: true, at: '2024-03-12T10:00:00Z' }, [{ path: '/' }])
      .visit({ visitor: bob, identified: true, at: '2024-03-05T10:00:00Z' }, [{ path: '/' }])
      .write(env.DB);
    while ((await refreshSite(new QueryDb(env.DB), site, 'UTC', NOW)).pending.length);
    const key = (await makeKey([site], 'stats:read')).token;
    const url = `/api/v1/sites/${site}/retention?interval=week&date=2024-03-04,2024-03-17`;
    const before = await ok<{ cohorts: unknown; meta: { plan: string } }>(call(url, { token: key }));
    expect(before.meta.plan).toBe('pre-aggregated');
    expect(before.cohorts).toEqual([
      { cohort: '2024-03-04', visitors: 2, retained: [2, 1], percent: [100, 50] },
      { cohort: '2024-03-11', visitors: 0, retained: [0], percent: [0] },
    ]);
    await ok(call(`/api/v1/sites/${site}/visitors/alice`, { method: 'DELETE', token: adminToken() }), 202);
    const after = await ok<{ cohorts: unknown; meta: { plan: string } }>(call(url, { token: key }));
    expect(after.meta.plan).toBe('pre-aggregated');
    const [left] = await env.DB.prepare('SELECT (SELECT count(*) FROM behaviour_visitor_days WHERE site_id = ?1 AND visitor_id = ?2) + (SELECT count(*) FROM behaviour_visitor_first WHERE site_id = ?1 AND visitor_id = ?2) AS n')
      .bind(site, alice).raw<[number]>();
    expect(left).toEqual([0]);
    expect(after.cohorts).toEqual([
      { cohort: '2024-03-04', visitors: 1, retained: [1, 0], percent: [100, 0] },
      { cohort: '2024-03-11', visitors: 0, retained: [0], percent: [0] },
    ]);
  });

  it('400 for a bad interval, 401 without a key', async () => {
    const res = await call(`/api/v1/sites/${SITE}/retention?interval=year`, { token: adminToken() });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'interval: expected day, week or month, got "year"', code: 'invalid_query' });
    expect((await call(`/api/v1/sites/${SITE}/retention`)).status).toBe(401);
  });
});
