/**
 * Property test: the pre-aggregated retention (behaviour_visitor_days / _first, kept by the rollup
 * refresh) equals the raw plan over the sessions, for days, weeks and months in Europe/Berlin,
 * after every few refresh runs while traffic arrives the way the consumer writes it
 * (test/helpers/traffic-sim.ts: late events that move a visit's start, a visit across midnight,
 * the DST change), then after the retention cron prunes the oldest weeks and after an erasure.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { burstRuns, Sim, T0, TZ } from '../../../test/helpers/traffic-sim';
import { applyRetention } from '../../cron/retention';
import { QueryDb } from '../../query/db';
import { forgetVisitorInRollups } from '../../rollups/erase';
import { refreshSite, WATERMARK_LAG_MS } from '../../rollups/refresh';
import type { Interval } from './intervals';
import { runRetention } from './run-retention';

const DAY = 86_400_000;
const RANGE = ['2024-03-25', '2024-05-19'];
/** day and a half bursts of traffic, days after T0 (2024-03-30 local), each with identified visitors partly new, partly back */
const BURSTS = [0, 2, 9, 17, 31, 40];

async function bothPlans(site: string, now: number, interval: Interval) {
  const run = (plan: 'raw' | 'pre-aggregated') => runRetention(new QueryDb(env.DB), site, { interval, dateRange: RANGE, filters: undefined }, now, { plan });
  const filtered = (plan: 'raw' | 'pre-aggregated') => runRetention(new QueryDb(env.DB), site, { interval, dateRange: RANGE, filters: [['is', 'visit:source', ['Google']]] }, now, { plan });
  return { raw: (await run('raw')).cohorts, pre: (await run('pre-aggregated')).cohorts, rawGoogle: (await filtered('raw')).cohorts, preGoogle: (await filtered('pre-aggregated')).cohorts };
}

async function expectSame(site: string, now: number, when: string): Promise<number> {
  let members = 0;
  for (const interval of ['day', 'week', 'month'] as const) {
    const { raw, pre, rawGoogle, preGoogle } = await bothPlans(site, now, interval);
    expect(pre, `${interval}s ${when}`).toEqual(raw);
    expect(preGoogle, `${interval}s from Google ${when}`).toEqual(rawGoogle);
    members = raw.reduce((n, c) => n + c.visitors, 0);
  }
  return members;
}

describe('retention pre-aggregates on simulated traffic', () => {
  it('equal the raw plan run after run, after retention pruning and after an erasure', { timeout: 300_000 }, async () => {
    const site = 'retention-preagg.test';
    await env.DB.prepare("INSERT INTO sites (id, timezone, settings, uid_secret, created_at, retention_days) VALUES (?1, ?2, '{}', 's', 0, 395)").bind(site, TZ).run();
    const sims = BURSTS.map((days, i) => new Sim(site, 100 + i, 40, { start: T0 + days * DAY, tag: `-b${i}`, firstVisitor: 1 + 4 * i }));
    const db = new QueryDb(env.DB);
    let compared = 0;
    let last = 0;
    // rows arrive by `t`; the run two watermark lags later counts all of them
    for (const { h, t } of burstRuns(BURSTS, 56)) {
      for (const sim of sims) await sim.deliver(env.DB, t);
      last = t + 2 * WATERMARK_LAG_MS;
      while ((await refreshSite(db, site, TZ, last)).pending.length);
      if (h % 6 === 1) {
        await expectSame(site, last, `after the run at ${new Date(last).toISOString()}`);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(20);
    const members = await expectSame(site, last, 'at the end');
    expect(members).toBeGreaterThan(20); // the traffic has cohorts to compare
    const { raw } = await bothPlans(site, last, 'week');
    expect(raw.filter((c) => c.visitors > 0).length).toBeGreaterThan(4);
    expect(raw.some((c) => c.retained.slice(1).some((n) => n > 0))).toBe(true); // visitors come back

    // retention deletes the sessions of the first two weeks (cutoff Tuesday 04-09 10:00 Berlin), and the pre-aggregates follow
    const now = Date.parse('2024-04-09T08:00:00Z') + 30 * DAY;
    await applyRetention(env.DB, env.ARCHIVE, site, 30, now);
    const [left] = await env.DB.prepare('SELECT count(*) FROM sessions WHERE site_id = ?1 AND start < ?2').bind(site, now - 30 * DAY).raw<[number]>();
    expect(left![0]).toBe(0);
    await expectSame(site, last, 'after retention pruning');

    // an erased visitor (one of the most active) leaves both plans alike
    const [top] = await env.DB.prepare('SELECT visitor_id FROM sessions WHERE site_id = ?1 AND identified = 1 GROUP BY visitor_id ORDER BY count(*) DESC, visitor_id LIMIT 1').bind(site).raw<[number]>();
    const visitor = top![0];
    for (const table of ['events', 'sessions']) await env.DB.prepare(`DELETE FROM ${table} WHERE site_id = ?1 AND identified = 1 AND visitor_id = ?2`).bind(site, visitor).run();
    await forgetVisitorInRollups(env.DB, site, visitor, last);
    await expectSame(site, last, 'after erasing a visitor');
    const [rows] = await env.DB.prepare('SELECT (SELECT count(*) FROM behaviour_visitor_days WHERE site_id = ?1 AND visitor_id = ?2) + (SELECT count(*) FROM behaviour_visitor_first WHERE site_id = ?1 AND visitor_id = ?2)')
      .bind(site, visitor).raw<[number]>();
    expect(rows![0]).toBe(0);
  });
});
