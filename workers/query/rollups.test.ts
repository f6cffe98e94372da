import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from '../lib/http-error';
import { Fixture } from '../../test/helpers/query-fixtures';
import { prng } from '../../test/helpers/prng';
import { buildRandom, DEVICES, NOW, PAGES, SITE, SOURCES, TZ } from '../../test/helpers/random-site';
import { refreshRollups } from '../rollups/refresh';
import { claimSite } from '../rollups/run-lock';
import { rebuildDay } from '../rollups/rebuild';
import { QueryDb } from './db';
import { buildScenario } from '../../test/helpers/query-scenario';

const SCENARIO = 'a-rollups.test';
import { PAIR_FILTER_DIMS, ROLLUP_DIMS } from '../rollups/shape';
import { runQuery } from './run-query';
import type { PlanOptions } from './planner';

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

describe('rollup plan == raw plan', () => {
  beforeAll(async () => {
    await buildRandom(42, 1_000).insert(env.DB);
    await refreshRollups(env, NOW, undefined, undefined, [SITE]);
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

  it("keeps Plausible's corners coherent over random pages and days (both plans where rollups answer)", { timeout: 60_000 }, async () => {
    const rnd = prng(11);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    for (let i = 0; i < 12; i++) {
      const date_range = [pick(['2024-03-25', '2024-03-28', '2024-03-30']), pick(['2024-04-01', '2024-04-03'])];
      const page = pick(PAGES);
      const metrics = ['visitors', 'visits', 'pageviews', 'bounce_rate', 'visit_duration'];
      const base = { site_id: SITE, metrics, date_range };
      const raw = (body: Record<string, unknown>) => runQuery(env.DB, SITE, { ...base, ...body }, NOW, { mode: 'raw' });
      // a page's breakdown row is the answer under that page's filter for visitors, visits,
      // pageviews and bounce rate (both count bounces of the sessions that entered on the page),
      // but not for visit duration: Plausible's page filter averages every session that viewed
      // the page ("can filter by page"), its page breakdown only those that entered on it ("all
      // metrics for breakdown by event prop": the sessions side is grouped by visit:entry_page),
      // so the row's duration is the answer under that page's entry-page filter
      const [byPage, filtered, entered] = await Promise.all([
        raw({ dimensions: ['event:page'] }), raw({ filters: [['is', 'event:page', [page]]] }), raw({ metrics: ['visit_duration'], filters: [['is', 'visit:entry_page', [page]]] }),
      ]);
      const row = byPage.results.find((r) => r.dimensions[0] === page);
      const [visitors, visits, pageviews, bounceRate, duration] = (row?.metrics ?? [0, 0, 0, 0, 0]) as number[];
      expect([visitors, visits, pageviews, bounceRate], `${page} ${date_range}`).toEqual(filtered.results[0]!.metrics.slice(0, 4));
      expect(duration, `${page} ${date_range}: duration of the sessions that entered on it`).toBe(row ? entered.results[0]!.metrics[0] : 0);
      // has_done and has_not_done split the visits (sessions, not visitors)
      const did = ['is', 'event:page', [page]];
      const [all, done, notDone] = await Promise.all([raw({}), raw({ filters: [['has_done', did]] }), raw({ filters: [['has_not_done', did]] })]);
      expect((done.results[0]!.metrics[1] as number) + (notDone.results[0]!.metrics[1] as number)).toBe(all.results[0]!.metrics[1]);
      expect(done.results[0]!.metrics[1]).toBe(filtered.results[0]!.metrics[1]);
      // rollups still answer the event metrics of a page (filter or breakdown) and agree
      for (const body of [{ dimensions: ['event:page'] }, { filters: [['is', 'event:page', [page]]] }]) {
        const q = { ...base, metrics: ['visitors', 'pageviews'], ...body };
        const [r, w] = await Promise.all([runQuery(env.DB, SITE, q, NOW, { mode: 'rollup' }), runQuery(env.DB, SITE, q, NOW, { mode: 'raw' })]);
        expect(r.results).toEqual(w.results);
      }
    }
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
    // (by page, visits and bounce rate follow the sessions that viewed each page: raw, see rollup-plan.ts)
    for (const dims of [[], ['time:day'], ['visit:source'], ['visit:country'], ['visit:region_name'], ['visit:device'], ['visit:entry_page']]) {
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

describe('planner', () => {
  it('uses rollups for refreshed days and raw events for days written since the last refresh', async () => {
    const trace: ('rollup' | 'raw')[] = [];
    const body = { site_id: SITE, metrics: ['visitors'], dimensions: ['visit:source'], date_range: ['2024-03-25', '2024-04-03'] };
    await refreshRollups(env, NOW + 700_000, undefined, undefined, [SITE]);
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

describe('identified visitors beyond what id lists hold', () => {
  it('counts them once per day, with a warning, where a day kept no id list', async () => {
    await buildScenario(SCENARIO).insert(env.DB);
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
