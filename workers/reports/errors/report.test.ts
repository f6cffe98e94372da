import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { Fixture, type Step } from '../../../test/helpers/query-fixtures';
import { call, makeKey, makeSite, ok } from '../../../test/helpers/api';
import { refreshRollups } from '../../rollups/refresh';
import { QueryDb } from '../../query/db';
import { loadSite, parseReportRequest } from '../report-request';
import { fingerprintError } from './fingerprint';
import { errorGroupDetail, listErrorGroups } from './report';

const SITE = 'errors-report.test';
const NOW = Date.parse('2024-05-08T18:00:00Z');
const RANGE = 'date=2024-05-07,2024-05-08';

const STACK_A = (n: number) => `TypeError: item ${n} missing\n    at loadCart (https://shop.example/app.js:10:5)`;
const STACK_B = 'Error: save failed\n    at saveCart (https://shop.example/app.js:40:2)';
/** props as the pipeline stores them (it adds the fingerprint at collection) */
const error = (path: string, message: string, stack: string, after = 1): Step => {
  const props = { message, source: 'https://shop.example/app.js', line: '10', stack };
  return { name: 'error', path, after, interactive: false, props: { ...props, fingerprint: fingerprintError(props) } };
};
const FP_A = fingerprintError({ message: 'item 1 missing', source: 'https://shop.example/app.js', stack: STACK_A(1) });
const FP_B = fingerprintError({ message: 'save failed', source: 'https://shop.example/app.js', stack: STACK_B });

/**
 * Group A ("item N missing" in loadCart, ids differ): visitor 1 twice on /cart (05-07, Chrome),
 * visitor 2 once on /checkout (05-07, Safari), visitor 3 once on /cart (05-08, Chrome): 4 events,
 * visitors 2 + 1 = 3 (daily distinct), first 05-07 10:00:01, last 05-08 09:00:01.
 * Group B (saveCart): visitor 2 once on /checkout (05-07): 1 event, 1 visitor.
 * Visitor 3's day arrives after the first refresh: the second applies it incrementally.
 */
function build(site: string, inserted: [number, number]): Fixture {
  return new Fixture(site, 'UTC')
    .visit({ visitor: 1, at: '2024-05-07T10:00:00Z', browser: 'Chrome' }, [{ path: '/cart' }, error('/cart', 'item 12 missing', STACK_A(12)), error('/cart', 'item 13 missing', STACK_A(13))], inserted[0])
    .visit({ visitor: 2, at: '2024-05-07T11:00:00Z', browser: 'Safari' }, [{ path: '/checkout' }, error('/checkout', 'item 99 missing', STACK_A(99)), error('/checkout', 'save failed', STACK_B)], inserted[0])
    .visit({ visitor: 3, at: '2024-05-08T09:00:00Z', browser: 'Chrome' }, [{ path: '/cart' }, error('/cart', 'item 7 missing', STACK_A(7))], inserted[1]);
}

const T1 = NOW - 3_600_000;
const T2 = T1 + 10 * 60_000;

async function request(site = SITE, filters?: unknown[]) {
  const db = new QueryDb(env.DB);
  const query = filters ? `&filters=${encodeURIComponent(JSON.stringify(filters))}` : '';
  return { db, req: parseReportRequest(new URL(`https://x/?${RANGE}${query}`), await loadSite(db, site), NOW) };
}

beforeAll(async () => {
  const f = build(SITE, [T1, T2]);
  await f.insert(env.DB);
  await env.DB.prepare('DELETE FROM events WHERE site_id = ?1 AND inserted_at > ?2').bind(SITE, T1).run();
  await refreshRollups(env, T1 + 120_000, undefined, undefined, [SITE]);
  await f.write(env.DB);
  await refreshRollups(env, T2 + 120_000, undefined, undefined, [SITE]);
});

describe('errors report', () => {
  it('groups errors by fingerprint with events, visitors, first and last seen, pages and browsers', async () => {
    const { db, req } = await request();
    const { results, meta } = await listErrorGroups(db, req, 20);
    expect(meta.groups).toBe(2);
    expect(results.map((g) => g.fingerprint)).toEqual([FP_A, FP_B]);
    expect(results[0]).toEqual({
      fingerprint: FP_A, message: 'item 7 missing', source: 'https://shop.example/app.js', line: 10,
      events: 4, visitors: 3, first_seen: '2024-05-07T10:00:01.000Z', last_seen: '2024-05-08T09:00:01.000Z',
      pages: [{ page: '/cart', events: 3, visitors: 2 }, { page: '/checkout', events: 1, visitors: 1 }],
      browsers: [{ browser: 'Chrome', events: 3, visitors: 2 }, { browser: 'Safari', events: 1, visitors: 1 }],
    });
    expect(results[1]).toMatchObject({ fingerprint: FP_B, events: 1, visitors: 1, message: 'save failed', pages: [{ page: '/checkout', events: 1, visitors: 1 }] });
  });

  it('gives one group with daily counts and its sample stacks', async () => {
    const { db, req } = await request();
    const detail = (await errorGroupDetail(db, req, FP_A))!;
    expect(detail.result.daily).toEqual([{ date: '2024-05-07', events: 3, visitors: 2 }, { date: '2024-05-08', events: 1, visitors: 1 }]);
    // the newest stack of each day, newest first
    expect(detail.result.stacks.map((s) => s.stack)).toEqual([STACK_A(7), STACK_A(99)]);
    expect(await errorGroupDetail(db, req, '0000000000000000')).toBeNull();
  });

  it('takes the overview filters, counted from the error events', async () => {
    // Chrome: visitor 1's two errors on /cart (05-07) and visitor 3's (05-08): group A only,
    // 3 events, visitors 1 + 1 = 2 (daily distinct), newest text visitor 3's
    const chrome = await request(SITE, [['is', 'visit:browser', ['Chrome']]]);
    const { results, meta } = await listErrorGroups(chrome.db, chrome.req, 20);
    expect(meta.groups).toBe(1);
    expect(results).toEqual([{
      fingerprint: FP_A, message: 'item 7 missing', source: 'https://shop.example/app.js', line: 10,
      events: 3, visitors: 2, first_seen: '2024-05-07T10:00:01.000Z', last_seen: '2024-05-08T09:00:01.000Z',
      pages: [{ page: '/cart', events: 3, visitors: 2 }], browsers: [{ browser: 'Chrome', events: 3, visitors: 2 }],
    }]);
    // /checkout: visitor 2's one error of each group (05-07), tied at 1 event: by fingerprint
    const checkout = await request(SITE, [['is', 'event:page', ['/checkout']]]);
    const both = await listErrorGroups(checkout.db, checkout.req, 20);
    expect(both.results.map((g) => [g.fingerprint, g.events, g.visitors, g.message])).toEqual(
      [[FP_A, 1, 1, 'item 99 missing'], [FP_B, 1, 1, 'save failed']].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    );
    // nested: (page contains "cart") and not Safari = the Chrome answer; a filter nothing matches lists nothing
    const nested = await request(SITE, [['contains', 'event:page', ['cart']], ['is_not', 'visit:browser', ['Safari']]]);
    expect((await listErrorGroups(nested.db, nested.req, 20)).results).toEqual(results);
    const none = await request(SITE, [['is', 'visit:country', ['FR']]]);
    expect(await listErrorGroups(none.db, none.req, 20)).toMatchObject({ results: [], meta: { groups: 0 } });
    // the detail under a filter: group A's Chrome days, one stack a day
    const detail = (await errorGroupDetail(chrome.db, chrome.req, FP_A))!;
    expect(detail.result.daily).toEqual([{ date: '2024-05-07', events: 2, visitors: 1 }, { date: '2024-05-08', events: 1, visitors: 1 }]);
    expect(detail.result.stacks.map((x) => x.stack)).toEqual([STACK_A(7), STACK_A(13)]);
    expect(await errorGroupDetail(chrome.db, chrome.req, FP_B)).toBeNull();
  });

  it('counts from the events exactly what the pre-aggregate holds, under a filter every event passes', async () => {
    const all = await request(SITE, [['is_not', 'visit:browser', ['Opera']]]);
    const plain = await request();
    expect(await listErrorGroups(all.db, all.req, 20).then((r) => r.results)).toEqual(await listErrorGroups(plain.db, plain.req, 20).then((r) => r.results));
    const detail = async (r: Awaited<ReturnType<typeof request>>) => (await errorGroupDetail(r.db, r.req, FP_A))!.result;
    expect(await detail(all)).toEqual(await detail(plain));
  });

  it('keeps the five top pages of a group over the range, summed across days, ties by name, as the events say', async () => {
    // group A on seven pages: 05-07 /a ×3, /b, /c, /d (visitor 1); 05-08 /b ×2, /e, /f, /g (visitor 2)
    // totals /a 3, /b 3, then /c /d /e /f /g 1 each: the top five are /a, /b, /c, /d, /e
    const site = 'errors-top-pages.test';
    const on = (pages: string[]) => pages.map((p, i) => error(p, `item ${i} missing`, STACK_A(i)));
    await new Fixture(site, 'UTC')
      .visit({ visitor: 1, at: '2024-05-07T10:00:00Z', browser: 'Chrome' }, [{ path: '/a' }, ...on(['/a', '/a', '/a', '/b', '/c', '/d'])], T1)
      .visit({ visitor: 2, at: '2024-05-08T10:00:00Z', browser: 'Chrome' }, [{ path: '/b' }, ...on(['/b', '/b', '/e', '/f', '/g'])], T1)
      .insert(env.DB);
    await refreshRollups(env, T1 + 120_000, undefined, undefined, [site]);
    const plain = await request(site);
    const [group] = (await listErrorGroups(plain.db, plain.req, 20)).results;
    expect(group!.pages).toEqual([
      { page: '/a', events: 3, visitors: 1 }, { page: '/b', events: 3, visitors: 2 },
      { page: '/c', events: 1, visitors: 1 }, { page: '/d', events: 1, visitors: 1 }, { page: '/e', events: 1, visitors: 1 },
    ]);
    // the same from the events (a filter every event passes), and in the group's detail
    const all = await request(site, [['is_not', 'visit:browser', ['Opera']]]);
    expect((await listErrorGroups(all.db, all.req, 20)).results[0]!.pages).toEqual(group!.pages);
    expect((await errorGroupDetail(plain.db, plain.req, group!.fingerprint))!.result.pages).toEqual(group!.pages);
  });

  it('reads the error events for a site counted before errors_daily existed (reports_preagg = 0), bounded', async () => {
    const plain = await request();
    const expected = await listErrorGroups(plain.db, plain.req, 20).then((r) => r.results);
    await env.DB.prepare('UPDATE rollup_state SET reports_preagg = 0 WHERE site_id = ?').bind(SITE).run();
    try {
      // the same groups, counted from the events: the bound now applies unfiltered (the pre-aggregate has none)
      const legacy = await request();
      expect(await listErrorGroups(legacy.db, legacy.req, 20).then((r) => r.results)).toEqual(expected);
      await expect(listErrorGroups(legacy.db, legacy.req, 20, { maxRawRows: 7 })).rejects.toMatchObject({ status: 400, code: 'query_too_large', message: expect.stringContaining('counted before its pre-aggregates existed') });
    } finally {
      await env.DB.prepare('UPDATE rollup_state SET reports_preagg = 1 WHERE site_id = ?').bind(SITE).run();
    }
  });

  it('refuses a filtered range holding more events than its bound (400 query_too_large)', async () => {
    // 3 pageviews and 5 errors in the range: a bound of 7 is exceeded, 8 is not
    const { db, req } = await request(SITE, [['is', 'visit:browser', ['Chrome']]]);
    await expect(listErrorGroups(db, req, 20, { maxRawRows: 7 })).rejects.toMatchObject({ status: 400, code: 'query_too_large' });
    expect((await listErrorGroups(db, req, 20, { maxRawRows: 8 })).results).toHaveLength(1);
  });

  it('incremental rows equal a rebuild from scratch', async () => {
    const rows = async () => (await env.DB.prepare('SELECT * FROM errors_daily WHERE site_id = ?1 ORDER BY dim, day, fingerprint, val').bind(SITE).all()).results;
    const incremental = await rows();
    await env.DB.prepare('DELETE FROM rollup_state WHERE site_id = ?1').bind(SITE).run();
    await env.DB.prepare("INSERT INTO arrivals (site_id, minute, side, bucket) SELECT site_id, inserted_at / 60000, 'e', ts / 900000 FROM events WHERE site_id = ?1 ON CONFLICT DO NOTHING").bind(SITE).run();
    await refreshRollups(env, NOW + 86_400_000 * 3, undefined, undefined, [SITE]);
    expect(await rows()).toEqual(incremental);
  });
});

describe('GET /api/v1/sites/{site}/errors', () => {
  let site: string;
  let token: string;
  beforeAll(async () => {
    site = await makeSite();
    await build(site, [T1, T1]).write(env.DB);
    await refreshRollups(env, T1 + 120_000, undefined, undefined, [site]);
    token = (await makeKey([site], 'stats:read')).token;
  });

  it('lists the groups and answers a group detail', async () => {
    const list = await ok<{ results: { fingerprint: string; events: number }[] }>(call(`/api/v1/sites/${site}/errors?${RANGE}`, { token }));
    expect(list.results.map((g) => [g.fingerprint, g.events])).toEqual([[FP_A, 4], [FP_B, 1]]);
    const detail = await ok<{ result: { daily: unknown[] } }>(call(`/api/v1/sites/${site}/errors/${FP_A}?${RANGE}`, { token }));
    expect(detail.result.daily).toHaveLength(2);
    const safari = encodeURIComponent(JSON.stringify([['is', 'visit:browser', ['Safari']]]));
    const filtered = await ok<{ results: { fingerprint: string; events: number }[] }>(call(`/api/v1/sites/${site}/errors?${RANGE}&filters=${safari}`, { token }));
    expect(filtered.results.map((g) => g.events)).toEqual([1, 1]);
  });

  it('answers 4xx naming the bad part', async () => {
    const status = async (path: string) => (await call(path, { token })).status;
    expect(await status(`/api/v1/sites/${site}/errors/not-a-fingerprint?${RANGE}`)).toBe(400);
    expect(await status(`/api/v1/sites/${site}/errors/0000000000000000?${RANGE}`)).toBe(404);
    expect(await status(`/api/v1/sites/${site}/errors?${RANGE}&limit=500`)).toBe(400);
    expect(await status(`/api/v1/sites/${site}/errors?${RANGE}&filters=${encodeURIComponent('[["is","event:goal",["Signup"]]]')}`)).toBe(400);
    expect(await status(`/api/v1/sites/${site}/errors?${RANGE}&filters=not-json`)).toBe(400);
    expect((await call(`/api/v1/sites/${site}/errors?${RANGE}`)).status).toBe(401);
  });
});
