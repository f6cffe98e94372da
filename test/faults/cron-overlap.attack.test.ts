/**
 * Fault: two `*∕5` crons at once (a slow run overlapping the next, or the platform firing twice).
 * Traffic goes through the real collector, SiteDO, Queue and consumer; then the cron entry runs
 * twice concurrently, first over new days (rebuilds), then over more of today (the incremental
 * delta). The rollups must answer what the raw events answer: nothing counted twice or skipped.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { makeKey, makeSite, uniqueDomain } from '../helpers/api';
import { drainToD1 } from '../helpers/drain';
import { cronTwiceAtOnce, expectDeliveredOnce, pageview, send } from '../helpers/faults';
import { WATERMARK_LAG_MS } from '../../workers/rollups/refresh';
import { runQuery } from '../../workers/query/run-query';
import { localDay } from '../../workers/lib/timezone';

const QUERIES = [
  { metrics: ['visitors', 'visits', 'pageviews', 'events', 'bounce_rate'] },
  { metrics: ['visitors', 'pageviews'], dimensions: ['event:page'] },
  { metrics: ['visitors', 'visits'], dimensions: ['visit:entry_page'] },
  { metrics: ['visitors', 'pageviews'], dimensions: ['time:hour'] },
];

async function expectRollupsEqualRaw(site: string, days: [string, string], now: number) {
  for (const query of QUERIES) {
    const body = { site_id: site, date_range: days, ...query };
    const rollup = await runQuery(env.DB, site, body, now, { mode: 'rollup' });
    const raw = await runQuery(env.DB, site, body, now, { mode: 'raw' });
    expect(rollup.results, JSON.stringify(query)).toEqual(raw.results);
  }
  const { results } = await runQuery(env.DB, site, { site_id: site, date_range: days, metrics: ['pageviews'] }, now, { mode: 'rollup' });
  return results[0]?.metrics[0];
}

describe('fault: two crons at once', () => {
  it('rebuilds and incremental deltas run concurrently and count every event exactly once', async () => {
    const site = await makeSite(uniqueDomain('fault-cron'));
    const { token } = await makeKey([site], 'events:write');
    const now = Date.now();
    // two days ago (a rebuild), yesterday and today (rebuilt first, incremental after)
    const first = [
      ...['/a', '/b', '/a'].map((p, i) => pageview(site, `${p}`, { ip: `198.51.100.${i}`, ts: now - 2 * 86_400_000 + i * 1000 })),
      ...['/a', '/c'].map((p, i) => pageview(site, p, { ip: `198.51.100.${i}`, ts: now - 86_400_000 + i * 1000 })),
      ...['/a', '/b', '/c', '/a'].map((p, i) => pageview(site, p, { ip: `198.51.100.${i % 3}`, ts: now - 600_000 + i * 1000 })),
    ];
    await send(token, first);
    expect(await drainToD1(site, site, first.length)).toBe(first.length);
    const days: [string, string] = [localDay(now - 2 * 86_400_000, 'UTC'), localDay(now, 'UTC')];

    await cronTwiceAtOnce(Date.now() + WATERMARK_LAG_MS + 1);
    expect(await expectRollupsEqualRaw(site, days, Date.now())).toBe(first.length);

    // more of today, partly the same visitors: the delta path, twice at once
    await new Promise((r) => setTimeout(r, 50));
    const second = ['/b', '/d', '/a'].map((p, i) => pageview(site, p, { ip: `198.51.100.${i + 1}` }));
    await send(token, second);
    expect(await drainToD1(site, site, first.length + second.length)).toBe(first.length + second.length);
    await cronTwiceAtOnce(Date.now() + WATERMARK_LAG_MS + 1);
    expect(await expectRollupsEqualRaw(site, days, Date.now())).toBe(first.length + second.length);

    // a third pair with nothing new changes nothing
    await cronTwiceAtOnce(Date.now() + WATERMARK_LAG_MS + 2);
    expect(await expectRollupsEqualRaw(site, days, Date.now())).toBe(first.length + second.length);
    await expectDeliveredOnce(site, [...first, ...second].map((e) => new URL(e.url).pathname));
  });
});
