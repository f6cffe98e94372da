import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { CollectedEvent } from '../../../contract/events';
import type { Goal } from '../../../workers/lib/goals';
import { collected, createSite, MINUTE, siteStub } from '../../../test/helpers/fixtures';
import type { SiteDO } from '../../site-do';
import { realtimeOf } from '../../../test/helpers/site-do-state';

/** Arrival times are relative to NOW (the realtime windows count arrival, not event time). */
const NOW = Date.UTC(2026, 10, 20, 12, 30, 30);
const GOALS: Goal[] = [
  { name: 'Signup', eventName: 'Signup', pagePath: null },
  { name: 'Visit /blog/**', eventName: null, pagePath: '/blog/**' },
  { name: 'Visit /blog/*', eventName: null, pagePath: '/blog/*' },
  { name: 'Visit /', eventName: null, pagePath: '/' },
];

/** Ingests each event as its own request arriving at its `ts` (event time = arrival here). */
async function arrive(siteId: string, name: string, events: Partial<CollectedEvent>[]) {
  const site = await createSite(siteId);
  for (const overrides of events) await siteStub(name).ingest(site, [collected(siteId, overrides)], [], overrides.ts!);
  return site;
}

const v = (n: number) => ({ ua: `Mozilla/5.0 visitor-${n}` });

describe('realtime snapshot from SiteDO state', () => {
  it('matches hand-computed numbers for the 5- and 30-minute windows, breakdowns, goals and recent events', async () => {
    await arrive('snap.test', 'snap.test', [
      { ...v(1), ts: NOW - 40 * MINUTE, pathname: '/old' }, // outside every window
      { ...v(2), ts: NOW - 20 * MINUTE, pathname: '/', source: 'Google', country: 'DE', device: 'Desktop' },
      { ...v(2), ts: NOW - 19 * MINUTE, pathname: '/pricing', source: 'Direct / None', country: 'DE', device: 'Desktop' }, // session source stays Google
      { ...v(3), ts: NOW - 4 * MINUTE, pathname: '/blog/a/post', source: 'Twitter', country: 'US', device: 'Mobile' },
      { ...v(3), ts: NOW - 3 * MINUTE, name: 'Signup', pathname: '/blog/a/post', source: 'Twitter', country: 'US', device: 'Mobile' },
      { ...v(4), ts: NOW - MINUTE, pathname: '/', country: 'US', device: 'Mobile' },
      { ...v(4), ts: NOW - MINUTE + 1, name: 'engagement', pathname: '/', country: 'US', device: 'Mobile', engagedMs: 5000 },
    ]);
    const snap = await siteStub('snap.test').snapshot({ goals: GOALS, now: NOW });
    expect(snap).toMatchObject({ site: 'snap.test', at: new Date(NOW).toISOString(), visitors: 2, visitors_30m: 3, pageviews: 4, events: 6 });
    expect(snap.pages).toEqual([
      { name: '/', visitors: 2, pageviews: 2 },
      { name: '/blog/a/post', visitors: 1, pageviews: 1 },
      { name: '/pricing', visitors: 1, pageviews: 1 },
    ]);
    expect(snap.sources).toEqual([
      { name: 'Google', visitors: 1, pageviews: 2 },
      { name: 'Direct / None', visitors: 1, pageviews: 1 },
      { name: 'Twitter', visitors: 1, pageviews: 1 },
    ]);
    expect(snap.countries).toEqual([{ name: 'US', visitors: 2, pageviews: 2 }, { name: 'DE', visitors: 1, pageviews: 2 }]);
    expect(snap.devices).toEqual([{ name: 'Mobile', visitors: 2, pageviews: 2 }, { name: 'Desktop', visitors: 1, pageviews: 2 }]);
    expect(snap.goals).toEqual([
      { name: 'Signup', visitors: 1, events: 1, conversion_rate: 33.3 },
      { name: 'Visit /blog/**', visitors: 1, events: 1, conversion_rate: 33.3 },
      { name: 'Visit /blog/*', visitors: 0, events: 0, conversion_rate: 0 }, // `*` stays within one segment
      { name: 'Visit /', visitors: 2, events: 2, conversion_rate: 66.7 },
    ]);
    // The engagement event counts (events: 6) but is not listed.
    expect(snap.recent.map((e) => `${e.name} ${e.path}`)).toEqual(['pageview /', 'Signup /blog/a/post', 'pageview /blog/a/post', 'pageview /pricing', 'pageview /']);
    expect(snap.recent[0]).toEqual({ id: expect.any(String), name: 'pageview', path: '/', country: 'US', device: 'Mobile', source: 'Direct / None', time: new Date(NOW - MINUTE).toISOString() });
    expect(JSON.stringify(snap)).not.toMatch(/visitor_?id/i);

    // 30 minute buckets ending with the current one (12:30); 12:29 holds visitor 4's two events.
    expect(snap.minutes).toHaveLength(30);
    expect(snap.minutes[0]!.time).toBe('2026-11-20T12:01:00.000Z');
    expect(snap.minutes.at(-1)).toEqual({ time: '2026-11-20T12:30:00.000Z', pageviews: 0, visitors: 0, events: 0 });
    expect(snap.minutes.at(-2)).toEqual({ time: '2026-11-20T12:29:00.000Z', pageviews: 1, visitors: 1, events: 2 });
    expect(snap.minutes.reduce((sum, m) => sum + m.pageviews, 0)).toBe(4);
  });

  it('counts a visitor as current until exactly 5 minutes after their last event', async () => {
    await arrive('edge.test', 'edge.test', [
      { ...v(1), ts: NOW - 5 * MINUTE }, // exactly 5 minutes ago: no longer current
      { ...v(2), ts: NOW - 5 * MINUTE + 1 }, // 1 ms inside the window
      { ...v(3), ts: NOW - 30 * MINUTE }, // exactly 30 minutes ago: outside the 30-minute window too
    ]);
    const stub = siteStub('edge.test');
    expect(await stub.snapshot({ goals: [], now: NOW })).toMatchObject({ visitors: 1, visitors_30m: 2, pageviews: 2 });
    expect(await stub.snapshot({ goals: [], now: NOW + 1 })).toMatchObject({ visitors: 0, visitors_30m: 2 });
    expect(await stub.snapshot({ goals: [], now: NOW - 1 })).toMatchObject({ visitors: 2, visitors_30m: 3 });
  });

  it('resumes with the same numbers after eviction, and the alarm prunes what left the window', async () => {
    const now = Date.now(); // the alarm prunes by the real clock
    await arrive('resume.test', 'resume.test', [
      { ...v(1), ts: now - 45 * MINUTE, pathname: '/gone' },
      { ...v(2), ts: now - 2 * MINUTE, pathname: '/a' },
      { ...v(3), ts: now - MINUTE, pathname: '/b', name: 'Signup' },
    ]);
    const stub = siteStub('resume.test');
    const before = await stub.snapshot({ goals: GOALS, now });
    expect(before).toMatchObject({ visitors: 2, visitors_30m: 2, pageviews: 1, events: 2 });

    await evictDurableObject(stub);
    expect(await stub.snapshot({ goals: GOALS, now })).toEqual(before);
    expect((await runInDurableObject(stub, (instance: SiteDO) => realtimeOf(instance).counters(now))).currentVisitors).toBe(2);

    await runDurableObjectAlarm(stub);
    const rows = await runInDurableObject(stub, (instance: SiteDO) => ({
      events: realtimeOf(instance).recent(-Infinity, Infinity, () => true).map((e) => e.pathname).reverse(),
      minutes: realtimeOf(instance).minuteBuckets,
    }));
    expect(rows).toEqual({ events: ['/a', '/b'], minutes: 2 });
    expect(await stub.snapshot({ goals: GOALS, now })).toEqual(before);
  });

  it('keeps no IP, user agent or uid in the realtime state or the log it is rebuilt from', async () => {
    await arrive('rt-privacy.test', 'rt-privacy.test', [{ ip: '198.51.100.42', ua: 'Mozilla/5.0 Unique/99', uid: 'user-77', ts: NOW }]);
    const dump = await runInDurableObject(siteStub('rt-privacy.test'), (instance: SiteDO, state) => {
      const tables = state.storage.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%'").toArray();
      const stored = tables.map(({ name }) => JSON.stringify(state.storage.sql.exec(`SELECT * FROM "${name}"`).toArray())).join('\n');
      return stored + JSON.stringify(realtimeOf(instance).recent(-Infinity, Infinity, () => true));
    });
    expect(dump).toContain('rt-privacy.test');
    expect(dump).not.toMatch(/198\.51\.100\.42|Unique\/99|user-77/);
  });
});
