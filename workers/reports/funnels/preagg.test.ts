/**
 * Property test: the stored funnels' pre-aggregated answer (funnel_daily, kept by the rollup
 * refresh) equals the raw plan — visitors, conversion and drop-off exactly, medians within the
 * histograms' bound — after every few refresh runs while traffic arrives the way the consumer
 * writes it (test/helpers/traffic-sim.ts: late events, a late first event moving a visit across
 * midnight, the DST change, bursts weeks apart so days leave the incremental window), for a
 * funnel kept from the first run and one created later (built by the refresh's backfill), then
 * after retention pruning and an erasure.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { Sim, T0, TZ } from '../../../test/helpers/traffic-sim';
import { applyRetention } from '../../cron/retention';
import { QueryDb } from '../../query/db';
import { forgetVisitorInRollups } from '../../rollups/erase';
import { refreshSite, WATERMARK_LAG_MS } from '../../rollups/refresh';
import { MEDIAN_ERROR_BOUND } from './daily';
import { runFunnel, type FunnelPlan } from './run-funnel';
import { parseSteps } from './steps';

const DAY = 86_400_000;
const SITE = 'funnel-preagg.test';
const RANGES = [['2024-03-25', '2024-05-19'], ['2024-03-30', '2024-03-31'], ['2024-03-31', '2024-04-20']];
const BURSTS = [0, 2, 9, 17, 31];
const FUNNELS: Record<string, unknown[]> = {
  f1: [['is', 'event:page', ['/']], ['is', 'event:page', ['/pricing']], `${SITE}-g0`],
  f2: [['is', 'event:page', ['/docs']], `${SITE}-g0`],
  // converts often: most deltas then change a visitor already counted
  f3: [['is', 'event:name', ['pageview']], `${SITE}-g0`],
};

async function answer(id: string, range: string[], now: number, plan: FunnelPlan) {
  const rawSteps = FUNNELS[id]!;
  return runFunnel(new QueryDb(env.DB), SITE, { funnel: { id, name: id }, steps: parseSteps(rawSteps), rawSteps, dateRange: range, filters: undefined, window: 'session' }, now, { plan });
}

/** Both plans, every range: the same visitors, rates and drop-off; medians within the bound. */
async function expectSame(ids: string[], now: number, when: string): Promise<number> {
  let reached = 0;
  for (const id of ids) {
    for (const range of RANGES) {
      const raw = await answer(id, range, now, 'raw');
      const pre = await answer(id, range, now, 'pre-aggregated');
      expect(pre.meta.plan).toBe('pre-aggregated');
      const counts = (a: typeof raw) => a.steps.map((s) => [s.visitors, s.conversion_rate, s.step_conversion_rate, s.dropoff]);
      expect(counts(pre), `${id} ${range.join('..')} ${when}`).toEqual(counts(raw));
      raw.steps.forEach((s, k) => {
        const p = pre.steps[k]!.median_seconds;
        if (s.median_seconds === null) return expect(p).toBeNull();
        // the histogram's share, plus half a second each way for rounding to whole seconds
        expect(Math.abs(p! - s.median_seconds), `${id} step ${k + 1} median ${when}`).toBeLessThanOrEqual(MEDIAN_ERROR_BOUND * s.median_seconds + 1);
      });
      reached += raw.steps.at(-1)!.visitors;
    }
  }
  return reached;
}

const addFunnel = (id: string) => env.DB.prepare('INSERT INTO funnels (id, site_id, name, steps, created_at) VALUES (?1, ?2, ?1, ?3, 0)').bind(id, SITE, JSON.stringify(FUNNELS[id])).run();

describe('funnel pre-aggregates on simulated traffic', () => {
  it('equal the raw plan run after run, for a funnel kept from the start and one backfilled later, after pruning and an erasure', { timeout: 600_000 }, async () => {
    await env.DB.prepare("INSERT INTO sites (id, timezone, settings, uid_secret, created_at, retention_days) VALUES (?1, ?2, '{}', 's', 0, 395)").bind(SITE, TZ).run();
    await env.DB.prepare("INSERT INTO goals (id, site_id, kind, event_name, page_path, display_name, created_at) VALUES (?1, ?2, 'event', 'Signup', NULL, 'Signup', 0)").bind(`${SITE}-g0`, SITE).run();
    await addFunnel('f1');
    await addFunnel('f3');
    const sims = BURSTS.map((days, i) => new Sim(SITE, 200 + i, 40, { start: T0 + days * DAY, tag: `-b${i}`, firstVisitor: 1 + 4 * i }));
    const db = new QueryDb(env.DB);
    const kept = ['f1', 'f3'];
    let compared = 0;
    let last = 0;
    for (const [b, days] of BURSTS.entries()) {
      if (b === 2) kept.push((await addFunnel('f2'), 'f2'));
      // hourly runs through the burst and its late arrivals, and at 00:10 / 00:20 of its second day
      const hours = [...Array.from({ length: 56 }, (_, i) => i + 1), 24 + 1 / 6, 24 + 2 / 6].sort((a, c) => a - c);
      for (const h of hours) {
        const t = T0 + days * DAY + Math.round(h * 3_600_000);
        for (const sim of sims) await sim.deliver(env.DB, t);
        // the watermark (now − lag) at t: every row stamped up to it is written (traffic-sim stamps a row
        // with its arrival, and writes it at the first delivery after)
        last = t + WATERMARK_LAG_MS;
        let r;
        do r = await refreshSite(db, SITE, TZ, last, { deadline: Date.now() + 60_000 });
        while (r.pending.length || r.funnelsBackfilling);
        if (h % 8 === 1) {
          await expectSame(kept, last, `after the run at ${new Date(last).toISOString()}`);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(20);
    expect(await expectSame(kept, last, 'at the end')).toBeGreaterThan(10); // the traffic converts
    const [state] = await env.DB.prepare('SELECT count(*) AS n, min(built_from) AS b, min(complete) AS c FROM funnel_preagg WHERE site_id = ?1').bind(SITE).raw<[number, string, number]>();
    expect(state).toEqual([3, '2024-03-29', 1]); // both built back to the site's first day (a late first event reached 03-29)
    // the planner picks the rows once they cover the range
    expect((await runFunnel(new QueryDb(env.DB), SITE, { funnel: { id: 'f1', name: 'f1' }, steps: parseSteps(FUNNELS.f1), rawSteps: FUNNELS.f1, dateRange: RANGES[0], filters: undefined, window: 'session' }, last)).meta.plan).toBe('pre-aggregated');

    // retention deletes the first two weeks' events; the funnels' days before the cutoff go too
    const now = Date.parse('2024-04-09T08:00:00Z') + 30 * DAY;
    await applyRetention(env.DB, env.ARCHIVE, SITE, 30, now);
    const [left] = await env.DB.prepare("SELECT count(*) FROM funnel_daily WHERE site_id = ?1 AND day < '2024-04-09'").bind(SITE).raw<[number]>();
    expect(left![0]).toBe(0);
    await expectSame(kept, last, 'after retention pruning');

    // an erased visitor (the most active identified one) leaves both plans alike, and no row lists them
    const [top] = await env.DB.prepare('SELECT visitor_id FROM events WHERE site_id = ?1 AND identified = 1 GROUP BY visitor_id ORDER BY count(*) DESC, visitor_id LIMIT 1').bind(SITE).raw<[number]>();
    const visitor = top![0];
    const [had] = await env.DB.prepare('SELECT count(*) FROM funnel_daily WHERE site_id = ?1 AND json_type(ids, ?2) IS NOT NULL').bind(SITE, `$."${visitor}"`).raw<[number]>();
    expect(had![0]).toBeGreaterThan(0);
    for (const table of ['events', 'sessions']) await env.DB.prepare(`DELETE FROM ${table} WHERE site_id = ?1 AND identified = 1 AND visitor_id = ?2`).bind(SITE, visitor).run();
    await forgetVisitorInRollups(env.DB, SITE, visitor, last);
    await expectSame(kept, last, 'after erasing a visitor');
    const [rows] = await env.DB.prepare('SELECT count(*) FROM funnel_daily WHERE site_id = ?1 AND json_type(ids, ?2) IS NOT NULL').bind(SITE, `$."${visitor}"`).raw<[number]>();
    expect(rows![0]).toBe(0);
  });
});
