import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from '../lib/http-error';
import { queueMessage, writeMessages } from '../../test/helpers/write-path';
import { Fixture, type Step } from '../../test/helpers/query-fixtures';
import { prng } from '../../test/helpers/prng';
import { forgetVisitorInRollups } from '../rollups/erase';
import { refreshRollups } from '../rollups/refresh';
import { claimSite } from '../rollups/run-lock';
import { rebuildDay } from '../rollups/rebuild';
import { QueryDb } from './db';
import { buildScenario, SITE as SCENARIO } from '../../test/helpers/query-scenario';
import { PAIR_FILTER_DIMS, ROLLUP_DIMS } from '../rollups/shape';
import { runQuery } from './run-query';
import type { PlanOptions } from './planner';

const SITE = 'prop.test';
const TZ = 'Europe/Berlin'; // DST starts 2024-03-31
const NOW = Date.parse('2024-04-03T20:00:00Z');

const PAGES = ['/', '/pricing', '/blog/a', '/blog/b', '/docs'];
const SOURCES = [['Google', 'Organic Search'], ['Direct / None', 'Direct'], ['Twitter', 'Organic Social'], ['Newsletter', 'Email']];
const COUNTRIES = [['US', 'US-CA', 'California', 'San Francisco'], ['DE', 'DE-BE', 'Berlin', 'Berlin'], [null, null, null, null], ['GB', null, null, null]];
const DEVICES = ['Desktop', 'Mobile', 'Tablet'];

function buildRandom(seed: number, insertedAt: number): Fixture {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const f = new Fixture(SITE, TZ, ['Signup', 'Visit /pricing']);
  for (let i = 0; i < 260; i++) {
    const start = Date.parse('2024-03-25T00:00:00Z') + Math.floor(rnd() * 9.5 * 86_400_000);
    const identified = rnd() < 0.2;
    // anonymous ids are daily: reuse a small pool per UTC day; identified ids persist
    const visitor = identified ? 1 + Math.floor(rnd() * 6) : 1000 * Math.floor(start / 86_400_000) + Math.floor(rnd() * 40);
    const [source, channel] = pick(SOURCES);
    const [country, region, region_name, city] = pick(COUNTRIES);
    const steps: Step[] = [];
    const n = 1 + Math.floor(rnd() * 4);
    for (let k = 0; k < n; k++) {
      const r = rnd();
      if (r < 0.7) steps.push({ path: pick(PAGES), after: k ? Math.floor(rnd() * 900) : 0 });
      else if (r < 0.85) steps.push({ name: 'Signup', path: pick(PAGES), after: Math.floor(rnd() * 600), interactive: rnd() < 0.7 });
      else steps.push({ name: 'engagement', path: pick(PAGES), after: 5, scrollDepth: 50, engagedMs: 3000 });
    }
    if (steps.every((s) => s.name === 'engagement')) steps.unshift({ path: pick(PAGES) });
    f.visit({
      visitor, identified, at: new Date(start).toISOString(), source: source!, channel: channel!,
      referrer: source === 'Google' ? 'https://google.com/' : null, utm_source: rnd() < 0.3 ? 'spring' : null,
      country, region, region_name, city, device: pick(DEVICES), browser: pick(['Chrome', 'Safari']), os: pick(['Mac', 'iOS', 'Windows']),
    }, steps, insertedAt);
  }
  return f;
}

function randomQuery(rnd: () => number, values: Record<string, string[]>) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const metrics = ['visitors', 'visits', 'pageviews', 'events', 'bounce_rate', 'visit_duration'].filter(() => rnd() < 0.5);
  if (metrics.length === 0) metrics.push('visitors');
  const dims: string[] = [];
  if (rnd() < 0.7) dims.push(pick([...ROLLUP_DIMS, 'event:goal', 'event:goal']));
  if (rnd() < 0.4 && dims[0] !== 'event:goal') dims.push(pick(['time:day', 'time:week', 'time:month', 'time:hour']));
  const filters: unknown[] = [];
  if (rnd() < 0.5) {
    const fd = rnd() < 0.3 && dims[0] && !dims[0].startsWith('time') ? dims[0] : pick(PAIR_FILTER_DIMS);
    filters.push(rnd() < 0.15 ? ['is', 'event:goal', ['Signup']] : ['is', fd, [pick(values[fd] ?? ['(none)'])]]);
  }
  const first = pick(['2024-03-25', '2024-03-28', '2024-03-30', '2024-04-01']);
  const last = pick(['2024-04-01', '2024-04-02', '2024-04-03']);
  const body: Record<string, unknown> = { site_id: SITE, metrics, dimensions: dims, filters, date_range: [first, last] };
  if (dims.length && rnd() < 0.3) body.metrics = [...metrics.filter((m) => m !== 'visitors'), 'visitors', 'percentage'];
  if (dims[0] === 'event:goal') body.metrics = rnd() < 0.5 ? ['visitors', 'events', 'conversion_rate'] : ['events'];
  return body;
}

async function both(body: Record<string, unknown>) {
  const run = (mode: PlanOptions['mode']) => runQuery(env.DB, SITE, body, NOW, { mode });
  return { rollup: await run('rollup'), raw: await run('raw') };
}

let random: Fixture;

describe('rollup plan == raw plan', () => {
  beforeAll(async () => {
    random = buildRandom(42, 1_000);
    await random.insert(env.DB);
    await refreshRollups(env, NOW);
  });

  it('over random queries (seeded)', { timeout: 60_000 }, async () => {
    const values: Record<string, string[]> = {
      'event:page': PAGES, 'visit:source': SOURCES.map((s) => s[0]!), 'visit:country': ['US', 'DE', 'GB', '(not set)'],
      'visit:region': ['US-CA', 'DE-BE', '(not set)'], 'visit:region_name': ['California', 'Berlin', '(not set)'],
      'visit:device': DEVICES, 'visit:entry_page': PAGES, 'visit:exit_page': PAGES, 'event:name': ['pageview', 'Signup'],
    };
    const rnd = prng(7);
    let compared = 0;
    for (let i = 0; i < 120; i++) {
      const body = randomQuery(rnd, values);
      let res;
      try {
        res = await both(body);
      } catch (e) {
        // invalid combinations (400) and what rollups cannot answer are skipped, not compared
        if ((e as Error).message.includes('rollups cannot answer') || e instanceof HttpError) continue;
        throw e;
      }
      expect(res.rollup.results, JSON.stringify(body)).toEqual(res.raw.results);
      compared++;
    }
    expect(compared).toBeGreaterThan(60);
  });

  it('pages through long breakdowns exactly, reading id lists only for rows that can place', async () => {
    for (const dims of [['event:page'], ['visit:entry_page'], ['visit:region']]) {
      for (const [limit, offset] of [[1, 0], [2, 0], [2, 1], [3, 2]]) {
        const body = { site_id: SITE, metrics: ['visitors', 'pageviews'], dimensions: dims, date_range: ['2024-03-25', '2024-04-03'], pagination: { limit, offset }, include: { total_rows: true } };
        const res = await both(body);
        expect(res.rollup.results.length, JSON.stringify(body)).toBe(Math.min(limit, (res.raw.meta.total_rows as number) - offset));
        expect(res.rollup, JSON.stringify(body)).toEqual(res.raw);
      }
    }
    // the lists read are those of the rows that can place: fewer values than the breakdown has
    const db = new QueryDb(env.DB);
    db.profile = [];
    const top = { site_id: SITE, metrics: ['visitors'], dimensions: ['event:page'], date_range: ['2024-03-25', '2024-04-03'], pagination: { limit: 1 } };
    await runQuery(env.DB, SITE, top, NOW, { mode: 'rollup' }, db);
    const lists = db.profile.find((p) => p.sql.includes('group_concat(e_ident_ids) AS ids'))!;
    const candidates = lists.params.map((v) => (typeof v === 'string' && v.startsWith('["/') ? (JSON.parse(v) as string[]).length : 0)).find((n) => n > 0)!;
    expect(candidates).toBeGreaterThan(0);
    expect(candidates).toBeLessThan(PAGES.length);
    // the same page under a filter (pairs), and with an explicit order
    const filtered = await both({ site_id: SITE, metrics: ['visitors'], dimensions: ['event:page'], filters: [['is', 'visit:source', ['Google']]], order_by: [['visitors', 'desc']], date_range: ['2024-03-25', '2024-04-03'], pagination: { limit: 2 } });
    expect(filtered.rollup).toEqual(filtered.raw);
  });

  it('answers the standard dashboard view from rollups', async () => {
    for (const dims of [[], ['time:day'], ['event:page'], ['visit:source'], ['visit:country'], ['visit:region_name'], ['visit:device'], ['visit:entry_page']]) {
      const body = { site_id: SITE, metrics: ['visitors', 'visits', 'bounce_rate'], dimensions: dims, date_range: ['2024-03-25', '2024-04-03'] };
      const res = await both(body);
      expect(res.rollup.results).toEqual(res.raw.results);
    }
    const california = await both({ site_id: SITE, metrics: ['visitors', 'visits', 'pageviews'], filters: [['is', 'visit:region_name', ['California']]], date_range: ['2024-03-25', '2024-04-03'] });
    expect(california.rollup.results[0]!.metrics[0]).toBeGreaterThan(0);
    expect(california.rollup.results).toEqual(california.raw.results);
    const goals = await both({ site_id: SITE, metrics: ['visitors', 'events', 'conversion_rate'], dimensions: ['event:goal'], date_range: ['2024-03-25', '2024-04-03'] });
    expect(goals.rollup.results.map((r) => r.dimensions[0])).toEqual(['Visit /pricing', 'Signup']);
    expect(goals.rollup.results).toEqual(goals.raw.results);
    // under a filter, page goals come from the (filter, pageview page) pairs
    for (const filter of [['is', 'visit:source', ['Google']], ['is', 'visit:country', ['US']], ['is', 'visit:device', ['Mobile']]]) {
      const filtered = await both({ site_id: SITE, metrics: ['visitors', 'events', 'conversion_rate'], dimensions: ['event:goal'], filters: [filter], date_range: ['2024-03-25', '2024-04-03'] });
      expect(filtered.rollup.results.find((r) => r.dimensions[0] === 'Visit /pricing')!.metrics[0]).toBeGreaterThan(0);
      expect(filtered.rollup.results, JSON.stringify(filter)).toEqual(filtered.raw.results);
    }
  });
});

describe('refreshRollups', () => {
  it('is incremental and idempotent: repeated runs and redelivered rows never double-count', async () => {
    const body = { site_id: SITE, metrics: ['visitors', 'pageviews', 'visits'], date_range: ['2024-03-25', '2024-04-03'] };
    const before = await runQuery(env.DB, SITE, body, NOW, { mode: 'rollup' });
    await refreshRollups(env, NOW + 300_000); // nothing new: same numbers
    expect((await runQuery(env.DB, SITE, body, NOW, { mode: 'rollup' })).results).toEqual(before.results);

    // the consumer gets a message again (same ids): the stored rows stay as they were, same numbers
    const { results: some } = await env.DB.prepare('SELECT id FROM events WHERE site_id = ?1 ORDER BY ts DESC LIMIT 50').bind(SITE).all<{ id: string }>();
    const ids = new Set(some.map((e) => e.id));
    const events = random.events.filter((e) => ids.has(e.id));
    const sessions = random.sessions.filter((s) => events.some((e) => e.sessionId === s.id));
    await writeMessages(env.DB, [{ body: queueMessage(SITE, 'again', events, sessions), insertedAt: NOW + 400_000 }]);
    await refreshRollups(env, NOW + 450_000);
    expect((await runQuery(env.DB, SITE, body, NOW, { mode: 'rollup' })).results).toEqual(before.results);

    // a late event for an existing day, written after the watermark
    const late = new Fixture(SITE, TZ).visit({ visitor: 777, at: '2024-03-26T10:00:00Z', source: 'Google' }, [{ path: '/late' }], NOW + 400_000);
    await late.write(env.DB);
    await refreshRollups(env, NOW + 600_000);
    await refreshRollups(env, NOW + 600_000);
    const after = await runQuery(env.DB, SITE, body, NOW, { mode: 'rollup' });
    const raw = await runQuery(env.DB, SITE, body, NOW, { mode: 'raw' });
    expect(after.results).toEqual(raw.results);
    expect(after.results[0]!.metrics).toEqual((before.results[0]!.metrics as number[]).map((v) => v + 1));
  });
});

describe('planner', () => {
  it('uses rollups for refreshed days and raw events for days written since the last refresh', async () => {
    const trace: ('rollup' | 'raw')[] = [];
    const body = { site_id: SITE, metrics: ['visitors'], dimensions: ['visit:source'], date_range: ['2024-03-25', '2024-04-03'] };
    await refreshRollups(env, NOW + 700_000);
    await runQuery(env.DB, SITE, body, NOW, { trace });
    expect(trace).toEqual(['rollup']);

    const late = new Fixture(SITE, TZ).visit({ visitor: 778, at: '2024-03-27T10:00:00Z', source: 'Bing' }, [{ path: '/' }], NOW + 800_000);
    await late.write(env.DB);
    trace.length = 0;
    const fresh = await runQuery(env.DB, SITE, body, NOW, { trace });
    expect(trace).toEqual(['raw']); // 2024-03-27 is stale and the range is small: exact raw answer
    expect(fresh.results.some((r) => r.dimensions[0] === 'Bing')).toBe(true);

    // a range outside the stale day still comes from rollups; goals and regexes always go raw
    trace.length = 0;
    await runQuery(env.DB, SITE, { ...body, date_range: ['2024-03-30', '2024-04-03'] }, NOW, { trace });
    await runQuery(env.DB, SITE, { ...body, date_range: ['2024-03-30', '2024-04-03'], filters: [['matches', 'event:page', ['^/blog']]] }, NOW, { trace });
    expect(trace).toEqual(['rollup', 'raw']);
  });

  it('refuses a raw plan estimated above the bound', async () => {
    const body = { site_id: SITE, metrics: ['visitors'], filters: [['contains', 'event:page', ['blog']]], date_range: ['2024-03-25', '2024-04-03'] };
    await expect(runQuery(env.DB, SITE, body, NOW, { maxRawRows: 10 })).rejects.toThrow(/would scan about \d+ events/);
  });
});

/** Rollup rows (daily and pairs) whose id lists still name `id`. */
async function rollupRowsListing(site: string, id: number): Promise<number> {
  const row = await env.DB.prepare(
    "SELECT count(*) AS n FROM (SELECT e_ident_ids, s_ident_ids, site_id FROM rollup_daily UNION ALL SELECT e_ident_ids, s_ident_ids, site_id FROM rollup_pairs) WHERE site_id = ?1 AND (e_ident_ids LIKE '%' || ?2 || '%' OR s_ident_ids LIKE '%' || ?2 || '%')",
  ).bind(site, String(id)).first<{ n: number }>();
  return row!.n;
}

describe('forgetVisitorInRollups', () => {
  it('removes an erased identified visitor from the rollups of the days they were seen', async () => {
    const site = 'erase.test';
    const f = new Fixture(site, 'UTC')
      .visit({ visitor: 4242, identified: true, at: '2024-03-26T10:00:00Z' }, [{ path: '/' }])
      .visit({ visitor: 4242, identified: true, at: '2024-03-28T10:00:00Z' }, [{ path: '/' }])
      .visit({ visitor: 7, at: '2024-03-28T11:00:00Z' }, [{ path: '/' }]);
    await f.insert(env.DB);
    await refreshRollups(env, NOW);
    const body = { site_id: site, metrics: ['visitors', 'visits'], date_range: ['2024-03-25', '2024-03-31'] };
    expect((await runQuery(env.DB, site, body, NOW, { mode: 'rollup' })).results[0]!.metrics).toEqual([2, 3]);

    await env.DB.batch([
      env.DB.prepare('DELETE FROM events WHERE site_id = ?1 AND visitor_id = 4242 AND identified = 1').bind(site),
      env.DB.prepare('DELETE FROM sessions WHERE site_id = ?1 AND visitor_id = 4242 AND identified = 1').bind(site),
    ]);
    expect(await forgetVisitorInRollups(env.DB, site, 4242, NOW)).toEqual(['2024-03-26', '2024-03-28']);
    expect((await runQuery(env.DB, site, body, NOW, { mode: 'rollup' })).results[0]!.metrics).toEqual([1, 1]);
    expect(await rollupRowsListing(site, 4242)).toBe(0);
  });
});

describe('forgetVisitorInRollups past retention', () => {
  it('takes the id out of days whose raw rows retention deleted, keeping their aggregates', async () => {
    const site = 'frozen.test';
    await new Fixture(site, 'UTC')
      .visit({ visitor: 4242, identified: true, at: '2024-03-26T10:00:00Z' }, [{ path: '/' }])
      .visit({ visitor: 7, at: '2024-03-26T11:00:00Z' }, [{ path: '/' }])
      .visit({ visitor: 4242, identified: true, at: '2024-04-02T10:00:00Z' }, [{ path: '/' }])
      .insert(env.DB);
    await refreshRollups(env, NOW);
    const body = { site_id: site, metrics: ['visitors', 'visits'], date_range: ['2024-03-25', '2024-04-03'] };
    // anonymous 7 on the 26th + identified 4242 (both days, once): 2 visitors, 3 visits
    expect((await runQuery(env.DB, site, body, NOW, { mode: 'rollup' })).results[0]!.metrics).toEqual([2, 3]);

    // retention of 3 days has deleted the 26th's raw rows; then 4242 is erased
    const cutoff = NOW - 3 * 86_400_000;
    await env.DB.batch([
      env.DB.prepare('UPDATE sites SET retention_days = 3 WHERE id = ?1').bind(site),
      env.DB.prepare('DELETE FROM events WHERE site_id = ?1 AND (ts < ?2 OR visitor_id = 4242)').bind(site, cutoff),
      env.DB.prepare('DELETE FROM sessions WHERE site_id = ?1 AND ("end" < ?2 OR visitor_id = 4242)').bind(site, cutoff),
    ]);
    expect(await forgetVisitorInRollups(env.DB, site, 4242, NOW)).toEqual(['2024-03-26', '2024-04-02']);
    // the 26th keeps its counts (7's visit and the now anonymous visit of 4242) without the id;
    // the 2nd, rebuilt from raw rows, is empty
    expect((await runQuery(env.DB, site, body, NOW, { mode: 'rollup' })).results[0]!.metrics).toEqual([1, 2]);
    expect(await rollupRowsListing(site, 4242)).toBe(0);
    const kept = await env.DB.prepare("SELECT pageviews, visits FROM rollup_daily WHERE site_id = ?1 AND day = '2024-03-26' AND dim = '' AND dim2 = ''").bind(site).first();
    expect(kept).toEqual({ pageviews: 2, visits: 2 });
  });
});

describe('identified visitors beyond what id lists hold', () => {
  it('counts them once per day, with a warning, where a day kept no id list', async () => {
    await buildScenario().insert(env.DB);
    const db = new QueryDb(env.DB);
    const { token } = await claimSite(db, SCENARIO, NOW);
    // 15th: {1,2,3} anonymous + {10}; 16th: {4} + {10}. Exact: 5 visitors; per day: 4 + 2 = 6
    await rebuildDay(db, SCENARIO, 'UTC', '2024-01-15', { hourly: false, token });
    await rebuildDay(db, SCENARIO, 'UTC', '2024-01-16', { hourly: false, token });
    const body = { site_id: SCENARIO, metrics: ['visitors'], date_range: ['2024-01-15', '2024-01-16'] };
    const exact = await runQuery(env.DB, SCENARIO, body, NOW, { mode: 'rollup' });
    expect(exact.results[0]!.metrics).toEqual([5]);
    expect(exact.meta.warning).toBeUndefined();

    await rebuildDay(db, SCENARIO, 'UTC', '2024-01-16', { hourly: false, token, maxIdsPerDay: 0 }); // as if the 16th had too many to list
    const capped = await runQuery(env.DB, SCENARIO, body, NOW, { mode: 'rollup' });
    expect(capped.results[0]!.metrics).toEqual([6]);
    expect(capped.meta.warning).toMatch(/identified visitors are counted once per day/);
    // the raw plan stays exact
    expect((await runQuery(env.DB, SCENARIO, body, NOW, { mode: 'raw' })).results[0]!.metrics).toEqual([5]);
  });
});
