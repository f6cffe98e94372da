/**
 * Alerts on `errors` (a threshold per hour, and anomalies) and on `vital:<NAME>` (the p75 above
 * the poor threshold), checked by the cron hour after hour over real D1 rows written by the
 * consumer's statements (test/helpers/query-fixtures.ts).
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { adminToken, call, makeSite, ok } from '../../../test/helpers/api';
import { Fixture, type Step } from '../../../test/helpers/query-fixtures';
import { boxUrl, newBox, received } from '../../../test/helpers/receiver-box';
import { siteDb } from '../../lib/site-db';
import { runAlerts } from './check';

const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;
// Monday 30 Nov 2026 00:00 UTC; the cron runs at 17 past each hour
const DAY = Date.parse('2026-11-30T00:00:00Z');
const at = (hour: number, minute = 0) => DAY + hour * HOUR + minute * 60_000;

type Firing = { state: string; period: string; observed: number; expected: number | null; score: number | null };
const path = (site: string, rest = '') => `/api/v1/sites/${site}/alerts${rest}`;
const firings = async (site: string, id: string) => (await ok<{ firings: Firing[] }>(call(path(site, `/${id}/firings`), { token: adminToken() }))).firings;

async function oldSite(): Promise<string> {
  const site = await makeSite();
  await env.DB.prepare('UPDATE sites SET created_at = ? WHERE id = ?').bind(Date.parse('2026-01-01T00:00:00Z'), site).run();
  return site;
}

/** One visit at `when` that throws `errors` JavaScript errors after its page view. */
const withErrors = (f: Fixture, visitor: number, when: number, errors: number) =>
  f.visit({ visitor, at: new Date(when).toISOString() }, [{ path: '/' }, ...Array.from({ length: errors }, (_, i): Step => ({ name: 'error', path: '/', interactive: false, after: 1, props: { message: `boom ${i}` } }))]);

/** One page load at `when` reporting `vital` = value. */
const withVital = (f: Fixture, visitor: number, when: number, vital: string, value: number) =>
  f.visit({ visitor, at: new Date(when).toISOString() }, [{ path: '/' }, { name: 'web-vital', path: '/', interactive: false, after: 1, props: { metric: vital, value: String(value), rating: 'ignored' } }]);

async function hourlyChecks(fromHour: number, toHour: number): Promise<void> {
  for (let h = fromHour; h <= toHour; h++) await runAlerts(env, 'hourly', at(h, 17));
}

describe('alerts on errors', () => {
  it('"errors above 4 per hour" fires exactly the hours with 5 or more errors and is back to normal the hour after', async () => {
    const site = await oldSite();
    const f = new Fixture(site);
    // 03:00 has 6 errors (two visits: 4 + 2), 05:00 has 4 (not above 4), 09:00 has 9, 10:00 none
    withErrors(f, 1, at(3, 5), 4);
    withErrors(f, 2, at(3, 40), 2);
    withErrors(f, 3, at(5, 10), 4);
    withErrors(f, 4, at(9, 59), 9);
    await f.write(await siteDb(env, site));
    const box = newBox('errors');
    const rule = await ok<{ id: string }>(call(path(site), { token: adminToken(), body: { metric: 'errors', kind: 'threshold', op: 'above', value: 4, channels: [{ type: 'webhook', url: boxUrl(box) }], cooldown_minutes: 0 } }), 201);
    await hourlyChecks(1, 11); // judges 00:00 … 10:00
    expect((await firings(site, rule.id)).map((x) => [x.state, x.period, x.observed])).toEqual([
      ['resolved', '2026-11-30 10:00:00', 0],
      ['firing', '2026-11-30 09:00:00', 9],
      ['resolved', '2026-11-30 04:00:00', 0],
      ['firing', '2026-11-30 03:00:00', 6],
    ]);
    const notices = (await received(box, 4)).map((r) => JSON.parse(r.body) as { state: string; message: string });
    expect(notices.map((n) => n.state)).toEqual(['firing', 'resolved', 'firing', 'resolved']);
    expect(notices[0]!.message).toBe('Errors were 6 in the hour 2026-11-30 03:00:00, above the threshold of 4.');
  });

  it('an errors anomaly fires on a burst against the same hour of the previous weeks, not on an ordinary hour', async () => {
    const site = await oldSite();
    const f = new Fixture(site);
    // 12:00 on 8 earlier Mondays: 1–3 errors; this Monday 12:00: 40; 11:00 this Monday: 2 (no history: never fires)
    const history = [2, 1, 3, 2, 2, 1, 3, 2];
    history.forEach((n, i) => withErrors(f, 100 + i, at(12, 10) - (8 - i) * WEEK, n));
    withErrors(f, 200, at(11, 10), 2);
    withErrors(f, 201, at(12, 10), 40);
    await f.write(await siteDb(env, site));
    const rule = await ok<{ id: string }>(call(path(site), { token: adminToken(), body: { metric: 'errors', kind: 'anomaly', channels: [{ type: 'webhook', url: boxUrl(newBox('error-anomaly')) }] } }), 201);
    await hourlyChecks(12, 13); // judges 11:00 and 12:00
    // history sorted 1 1 2 2 2 2 3 3: median 2; MAD: |d| = 1 1 0 0 0 0 1 1 → median 0.5, σ = 0.7413, σ² = 0.5495;
    // Poisson 2 × (1 + π/16) = 2.3927 is larger; variance 3.3927, sqrt 1.8419; (40 − 2) / 1.8419 = 20.63
    expect(await firings(site, rule.id)).toEqual([expect.objectContaining({ state: 'firing', period: '2026-11-30 12:00:00', observed: 40, expected: 2, score: 20.63 })]);
  });
});

describe('alerts on web vitals', () => {
  it('an LCP rule defaults to p75 above the poor threshold (4000 ms), fires on the hour whose p75 passes it, holds through an hour without samples, and resolves below it', async () => {
    const site = await oldSite();
    const f = new Fixture(site);
    let visitor = 1;
    // 08:00: 1200 3900 4100 4500 6000 → nearest rank ceil(0.75 × 5) = 4 → p75 4500 > 4000
    for (const v of [4100, 1200, 6000, 3900, 4500]) withVital(f, visitor++, at(8, visitor), 'LCP', v);
    // 09:00: page views but no LCP; 10:00: 1000 2000 3000 5000 → rank 3 → p75 3000
    f.visit({ visitor: visitor++, at: new Date(at(9, 30)).toISOString() }, [{ path: '/' }]);
    for (const v of [5000, 1000, 3000, 2000]) withVital(f, visitor++, at(10, visitor), 'LCP', v);
    // 07:00: 4000 exactly is not above the threshold (poor is > 4000)
    withVital(f, visitor++, at(7, 1), 'LCP', 4000);
    await f.write(await siteDb(env, site));
    const box = newBox('lcp');
    const rule = await ok<Record<string, unknown>>(call(path(site), { token: adminToken(), body: { metric: 'vital:LCP', kind: 'threshold', channels: [{ type: 'webhook', url: boxUrl(box) }] } }), 201);
    expect(rule).toMatchObject({ metric: 'vital:LCP', op: 'above', value: 4000, window: '1h' });
    await hourlyChecks(8, 11); // judges 07:00 … 10:00
    expect((await firings(site, rule.id as string)).map((x) => [x.state, x.period, x.observed])).toEqual([
      ['resolved', '2026-11-30 10:00:00', 3000],
      ['firing', '2026-11-30 08:00:00', 4500],
    ]);
    const notices = (await received(box, 2)).map((r) => JSON.parse(r.body) as { message: string });
    expect(notices.map((n) => n.message)).toEqual([
      'LCP p75 was 4500 ms in the hour 2026-11-30 08:00:00, above the threshold of 4000 ms.',
      'LCP p75 is back to normal: 3000 ms in the hour 2026-11-30 10:00:00.',
    ]);
  });

  it('a CLS rule per day compares the day\'s p75 with 0.25', async () => {
    const site = await oldSite();
    const f = new Fixture(site);
    // Sunday 29 Nov: 0.05 0.3 0.31 0.4 → rank 3 → p75 0.31
    [0.05, 0.3, 0.31, 0.4].forEach((v, i) => withVital(f, i + 1, at(-20 + i), 'CLS', v));
    await f.write(await siteDb(env, site));
    const box = newBox('cls');
    const rule = await ok<Record<string, unknown>>(call(path(site), { token: adminToken(), body: { metric: 'vital:CLS', kind: 'threshold', window: '1d', channels: [{ type: 'webhook', url: boxUrl(box) }] } }), 201);
    expect(rule).toMatchObject({ op: 'above', value: 0.25, window: '1d' });
    await runAlerts(env, 'hourly', at(0, 17));
    expect(await firings(site, rule.id as string)).toEqual([expect.objectContaining({ state: 'firing', period: '2026-11-29', observed: 0.31 })]);
    expect(JSON.parse((await received(box, 1))[0]!.body).message).toBe('CLS p75 was 0.31 on 2026-11-29, above the threshold of 0.25.');
  });
});
