import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { Fixture } from '../../../test/helpers/query-fixtures';
import { QueryDb } from '../../query/db';
import { refreshRollups } from '../../rollups/refresh';
import { MEDIAN_ERROR_BOUND } from './daily';
import { runFunnel, type FunnelPlan } from './run-funnel';
import { parseSteps } from './steps';

/*
 * The day rule (daily.ts), Europe/Berlin: DST starts 2024-03-31 02:00 CET -> 03:00 CEST.
 * Funnel: Visit /pricing (goal g1) -> Signup (goal g0). A session makes an attempt on each local
 * day it has a step-1 event on, from its first one that day, through its later events.
 *   v1 anon   03-30 23:55 CET /pricing, 03-31 00:05 Signup              600 s, counts on 03-30
 *   v2 ident  03-30 23:55 /pricing, 00:05 /pricing, 00:20 Signup        03-30: 1500 s; 03-31: 900 s
 *   v3 anon   03-31 01:50 CET /pricing, 03:10 CEST Signup               1200 s (80 on the wall clock)
 *   v4 anon   03-31 12:00 CEST Signup, +60 /pricing                     step 1 only (out of order)
 */
const SITE = 'funnels-day-rule.test';
const NOW = Date.parse('2024-04-10T12:00:00Z');

beforeAll(async () => {
  const f = new Fixture(SITE, 'Europe/Berlin', ['Signup', 'Visit /pricing']);
  const signup = (after: number) => ({ name: 'Signup', path: '/signup', after });
  f.visit({ visitor: 1, at: '2024-03-30T22:55:00Z' }, [{ path: '/pricing' }, signup(600)]);
  f.visit({ visitor: 2, identified: true, at: '2024-03-30T22:55:00Z' }, [{ path: '/pricing' }, { path: '/pricing', after: 600 }, signup(900)]);
  f.visit({ visitor: 3, at: '2024-03-31T00:50:00Z' }, [{ path: '/pricing' }, signup(1200)]);
  f.visit({ visitor: 4, at: '2024-03-31T10:00:00Z' }, [signup(0), { path: '/pricing', after: 60 }]);
  await f.insert(env.DB);
  await env.DB.prepare("INSERT INTO funnels (id, site_id, name, steps, created_at) VALUES ('fd', ?1, 'day rule', ?2, 0)").bind(SITE, JSON.stringify([`${SITE}-g1`, `${SITE}-g0`])).run();
  // the refresh builds the rollups, then the funnel's window days, then backfills its older ones
  for (let i = 0; i < 10 && (await refreshRollups(env, NOW, 60_000, undefined, [SITE])).funnelsBackfilling > 0;) i++;
});

const answer = (dateRange: string[], plan?: FunnelPlan) => runFunnel(new QueryDb(env.DB), SITE, {
  funnel: { id: 'fd', name: 'day rule' }, steps: parseSteps([`${SITE}-g1`, `${SITE}-g0`]), rawSteps: [`${SITE}-g1`, `${SITE}-g0`], dateRange, filters: undefined, window: 'session',
}, NOW, plan ? { plan } : {});

async function both(range: string[]) {
  const raw = await answer(range, 'raw');
  const auto = await answer(range);
  expect(auto.meta.plan).toBe('pre-aggregated');
  expect(auto.meta.median_error_bound).toBe(MEDIAN_ERROR_BOUND);
  expect(auto.steps.map((s) => [s.visitors, s.conversion_rate, s.dropoff])).toEqual(raw.steps.map((s) => [s.visitors, s.conversion_rate, s.dropoff]));
  return { raw: raw.steps.map((s) => [s.visitors, s.median_seconds]), pre: auto.steps.map((s) => s.median_seconds) };
}

describe('funnels: the day rule, both plans (Europe/Berlin, midnight and DST inside sessions)', () => {
  it('a session across midnight counts on its step-1 day with its steps after midnight; an identified visitor once, by their best day', async () => {
    // step 1: v1@03-30, v3@03-31, v4@03-31 (anonymous, day by day) + v2 once = 4; step 2: v1 600, v2 1500 (03-30, the earlier
    // of two equal attempts), v3 1200 -> median 1200
    const { raw, pre } = await both(['2024-03-30', '2024-03-31']);
    expect(raw).toEqual([[4, null], [3, 1200]]);
    // 1200 s is in bucket 146 ([1.05^145, 1.05^146) s), whose midpoint is 1.05^145.5 = 1210.7
    expect(pre).toEqual([null, 1211]);
  });

  it('a range ending at midnight still follows its sessions past the end', async () => {
    // 03-30: v1 (Signup at 00:05 next day, 600 s) and v2 (1500 s): median 1050
    const { raw, pre } = await both(['2024-03-30', '2024-03-30']);
    expect(raw).toEqual([[2, null], [2, 1050]]);
    // midpoints of 600 s (bucket 132: 611.5) and 1500 s (bucket 150: 1471.6), averaged: 1041.6
    expect(pre).toEqual([null, 1042]);
    expect(Math.abs(pre[1]! - 1050)).toBeLessThanOrEqual(MEDIAN_ERROR_BOUND * 1050 + 1);
  });

  it('the DST day: real seconds across the jump, and a session from the day before starts again at its first step-1 event of the day', async () => {
    // 03-31: v2 from 00:05 (900 s), v3 (1200 s across 02:00 -> 03:00), v4 step 1 only: [3, 2], median 1050
    const { raw } = await both(['2024-03-31', '2024-03-31']);
    expect(raw).toEqual([[3, null], [2, 1050]]);
    const meta = (await answer(['2024-03-31', '2024-03-31'])).meta;
    expect(meta.date_range).toEqual(['2024-03-31T00:00:00+01:00', '2024-03-31T23:59:59+02:00']);
  });

  it('a range before the funnel\'s first built day, or with visit filters, is answered raw', async () => {
    const filtered = await runFunnel(new QueryDb(env.DB), SITE, {
      funnel: { id: 'fd', name: 'day rule' }, steps: parseSteps([`${SITE}-g1`, `${SITE}-g0`]), rawSteps: [`${SITE}-g1`, `${SITE}-g0`], dateRange: ['2024-03-30', '2024-03-31'],
      filters: [['is', 'visit:source', ['Direct / None']]], window: 'session',
    }, NOW);
    expect(filtered.meta.plan).toBe('raw');
    // the funnel is built back to the site's first day: an older range is covered too (complete)
    expect((await answer(['2024-03-01', '2024-03-31'])).meta.plan).toBe('pre-aggregated');
    await env.DB.prepare("UPDATE funnel_preagg SET complete = 0, built_from = '2024-03-31' WHERE site_id = ?1").bind(SITE).run();
    expect((await answer(['2024-03-30', '2024-03-31'])).meta.plan).toBe('raw');
    expect((await answer(['2024-03-31', '2024-04-01'])).meta.plan).toBe('pre-aggregated');
  });
});
