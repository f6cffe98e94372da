/**
 * Property test: journeys from `journey_daily` (kept by the rollup refresh) equal the raw plan
 * exactly (paths, sessions, visitors, transitions, meta.sessions) for several `steps` and `limit`
 * values (small limits make the threshold algorithm stop early and cut through ties), after
 * every few refresh runs while traffic arrives the way the consumer writes it
 * (test/helpers/traffic-sim.ts: late events, a late first event moving a visit across midnight,
 * the DST change, a session across midnight), after retention pruning and after an erasure.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { CollectedEvent } from '../../../contract/events';
import { queueMessage, sessionWith, storedEvent, writeMessages } from '../../../test/helpers/write-path';
import { burstRuns, Sim, T0, TZ } from '../../../test/helpers/traffic-sim';
import { applyRetention } from '../../cron/retention';
import { QueryDb } from '../../query/db';
import { forgetVisitorInRollups } from '../../rollups/erase';
import { refreshSite, WATERMARK_LAG_MS } from '../../rollups/refresh';
import { bucketMax, bucketOf } from './preagg-rows';
import { runJourneys } from './run-journeys';

const DAY = 86_400_000;
const RANGES = [['2024-03-25', '2024-04-20'], ['2024-03-31', '2024-04-01']];
const BURSTS = [0, 2, 9];
const SHAPES = [[5, 20], [5, 2], [3, 1], [2, 3], [10, 4]] as const;

async function expectSame(site: string, now: number, when: string): Promise<number> {
  let sessions = 0;
  for (const dateRange of RANGES) {
    for (const [steps, limit] of SHAPES) {
      const req = { start: null, steps, limit, dateRange, filters: undefined };
      const raw = await runJourneys(new QueryDb(env.DB), site, req, now, { plan: 'raw' });
      const pre = await runJourneys(new QueryDb(env.DB), site, req, now, { plan: 'pre-aggregated' });
      expect({ ...pre, meta: { ...pre.meta, plan: 'raw' } }, `${dateRange} steps ${steps} limit ${limit} ${when}`).toEqual(raw);
      sessions = Math.max(sessions, raw.meta.sessions);
    }
  }
  return sessions;
}

describe('journey classes', () => {
  it('every count is in its class and under the class top', () => {
    for (let n = 1; n < 5000; n++) {
      const b = bucketOf(n);
      expect(n).toBeLessThanOrEqual(bucketMax(b));
      if (b > 0) expect(n).toBeGreaterThan(bucketMax(b - 1));
    }
    expect([1, 2, 3, 4, 5, 6, 7].map(bucketOf)).toEqual([0, 1, 2, 3, 4, 4, 5]);
  });
});

describe('journeys pre-aggregate across midnight', () => {
  it('a session begun yesterday that goes on after midnight moves yesterday\'s path, though only today received rows', async () => {
    const site = 'journeys-midnight.test';
    await env.DB.prepare("INSERT INTO sites (id, timezone, settings, uid_secret, created_at, retention_days) VALUES (?1, 'UTC', '{}', 's', 0, 395)").bind(site).run();
    const db = new QueryDb(env.DB);
    const midnight = Date.parse('2024-06-02T00:00:00Z');
    const ref = { sessionId: 'midnight-s1', site, visitorId: 7, identified: false };
    const page = (path: string, ts: number): CollectedEvent => ({
      site, ts, name: 'pageview', hostname: site, pathname: path, props: {}, revenue: null, interactive: true, scrollDepth: null, engagedMs: null, uid: null, ip: '', ua: '',
      referrer: null, source: 'Direct / None', channel: 'Direct', utmSource: null, utmMedium: null, utmCampaign: null, utmContent: null, utmTerm: null,
      device: 'Desktop', browser: 'Chrome', browserVersion: '120', os: 'Mac', osVersion: '14', country: null, region: null, regionName: null, city: null,
    });
    const req = { start: null, steps: 5, limit: 20, dateRange: ['2024-06-01', '2024-06-02'], filters: undefined };
    const paths = async (plan: 'raw' | 'pre-aggregated', now: number) => (await runJourneys(db, site, req, now, { plan })).paths.map((p) => [p.pages.join(' '), p.sessions]);
    const first = page('/a', midnight - 300_000);
    const s1 = sessionWith(null, first, ref)!;
    await writeMessages(env.DB, [{ body: queueMessage(site, 'm1', [storedEvent(first, s1, 'midnight-e1')], [s1]), insertedAt: midnight - 290_000 }]);
    await refreshSite(db, site, 'UTC', midnight - 60_000);
    expect(await paths('pre-aggregated', midnight - 60_000)).toEqual([['/a (exit)', 1]]);
    // the second pageview (00:05) arrives after midnight, with the session's new version (its start still yesterday)
    const second = page('/b', midnight + 300_000);
    const s2 = sessionWith(s1, second, ref)!;
    await writeMessages(env.DB, [{ body: queueMessage(site, 'm2', [storedEvent(second, s2, 'midnight-e2')], [s2]), insertedAt: midnight + 310_000 }]);
    const now = midnight + 600_000;
    await refreshSite(db, site, 'UTC', now);
    expect(await paths('raw', now)).toEqual([['/a /b (exit)', 1]]);
    expect(await paths('pre-aggregated', now)).toEqual([['/a /b (exit)', 1]]);
  });
});

describe('journeys pre-aggregate on simulated traffic', () => {
  it('equals the raw plan run after run, after retention pruning and after an erasure', { timeout: 600_000 }, async () => {
    const site = 'journeys-preagg.test';
    await env.DB.prepare("INSERT INTO sites (id, timezone, settings, uid_secret, created_at, retention_days) VALUES (?1, ?2, '{}', 's', 0, 395)").bind(site, TZ).run();
    const sims = BURSTS.map((days, i) => new Sim(site, 300 + i, 60, { start: T0 + days * DAY, tag: `-b${i}`, firstVisitor: 1 + 4 * i }));
    const db = new QueryDb(env.DB);
    let compared = 0;
    let last = 0;
    for (const { h, t } of burstRuns(BURSTS, 50)) {
      for (const sim of sims) await sim.deliver(env.DB, t);
      last = t + 2 * WATERMARK_LAG_MS;
      while ((await refreshSite(db, site, TZ, last)).pending.length);
      if (h % 8 === 1 || h === 24 + 2 / 6) {
        await expectSame(site, last, `after the run at ${new Date(last).toISOString()}`);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(12);
    expect(await expectSame(site, last, 'at the end')).toBeGreaterThan(100);
    // the quiet days' spans were built as the runs went on, and the range is read through them
    const spans = await env.DB.prepare('SELECT start, days FROM journey_spans WHERE site_id = ?1 ORDER BY days, start').bind(site).all<{ start: string; days: number }>();
    expect(spans.results.filter((p) => p.days >= 8).length).toBeGreaterThan(0);
    const [spanRows] = await env.DB.prepare('SELECT count(*) FROM journey_span_rows WHERE site_id = ?1').bind(site).raw<[number]>();
    expect(spanRows![0]).toBeGreaterThan(20);
    // once built, the planner picks it
    const auto = await runJourneys(db, site, { start: null, steps: 5, limit: 20, dateRange: RANGES[0], filters: undefined }, last);
    expect(auto.meta.plan).toBe('pre-aggregated');
    expect(auto.paths.length).toBeGreaterThan(5);
    const filtered = await runJourneys(db, site, { start: null, steps: 5, limit: 20, dateRange: RANGES[0], filters: [['is', 'visit:source', ['Google']]] }, last);
    expect(filtered.meta.plan).toBe('raw');

    // retention deletes the first burst's days (cutoff 04-01 10:00 Berlin) and the pre-aggregate follows
    const now = Date.parse('2024-04-01T08:00:00Z') + 30 * DAY;
    await applyRetention(env.DB, env.ARCHIVE, site, 30, now);
    const [old] = await env.DB.prepare("SELECT count(*) FROM journey_daily WHERE site_id = ?1 AND day < '2024-04-01'").bind(site).raw<[number]>();
    expect(old![0]).toBe(0);
    const [oldSpans] = await env.DB.prepare("SELECT (SELECT count(*) FROM journey_spans WHERE site_id = ?1 AND start < '2024-04-01') + (SELECT count(*) FROM journey_span_rows WHERE site_id = ?1 AND start < '2024-04-01')").bind(site).raw<[number]>();
    expect(oldSpans![0]).toBe(0);
    await expectSame(site, last, 'after retention pruning');

    // an erased visitor (one of the most active) leaves both plans alike
    const [top] = await env.DB.prepare('SELECT visitor_id FROM sessions WHERE site_id = ?1 AND identified = 1 GROUP BY visitor_id ORDER BY count(*) DESC, visitor_id LIMIT 1').bind(site).raw<[number]>();
    const visitor = top![0];
    for (const table of ['events', 'sessions']) await env.DB.prepare(`DELETE FROM ${table} WHERE site_id = ?1 AND identified = 1 AND visitor_id = ?2`).bind(site, visitor).run();
    await forgetVisitorInRollups(env.DB, site, visitor, last);
    await expectSame(site, last, 'after erasing a visitor');
    const [ids] = await env.DB.prepare('SELECT count(*) FROM journey_daily j, json_each(j.ids) i WHERE j.site_id = ?1 AND i.value = ?2').bind(site, visitor).raw<[number]>();
    expect(ids![0]).toBe(0);
  });
});
