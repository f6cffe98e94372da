import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { adminToken, call, makeKey, makeSite, ok } from '../../../test/helpers/api';
import { Fixture } from '../../../test/helpers/query-fixtures';
import { siteDb } from '../../lib/site-db';
import { poissonZ, rankMovers } from './movers';

describe('movers (pure)', () => {
  it('z for two Poisson counts, by hand', () => {
    expect(poissonZ(40, 10)).toBeCloseTo(30 / Math.sqrt(50), 10); // 4.243
    expect(poissonZ(0, 0)).toBe(0);
    expect(poissonZ(5, 10)).toBeCloseTo(-5 / Math.sqrt(15), 10);
  });

  it('ranks by |z|, drops changes under 5 visitors, and writes the sentence', () => {
    const movers = rankMovers([
      { dimension: 'visit:source', value: 'Big', current: 2040, previous: 2000 }, // z = 0.63
      { dimension: 'visit:source', value: 'Small', current: 50, previous: 10 }, // z = 5.16
      { dimension: 'visit:source', value: 'Tiny', current: 4, previous: 0 }, // under MIN_DELTA
      { dimension: 'visit:country', value: 'FR', current: 10, previous: 40 }, // z = -4.24
    ]);
    expect(movers.map((m) => [m.value, m.z, m.significant])).toEqual([['Small', 5.16, true], ['FR', -4.24, true], ['Big', 0.63, false]]);
    expect(movers[1]!.sentence).toBe('Visitors from FR fell from 40 to 10 (-75%), beyond normal variation (z = -4.2).');
    expect(movers[2]!.sentence).toBe('Visitors from Big rose from 2000 to 2040 (+2%), within normal variation (z = 0.6).');
  });
});

describe('GET insights', () => {
  it('top movers of a known fortnight, with the numbers behind them', async () => {
    const site = await makeSite();
    const f = new Fixture(site);
    let visitor = 1;
    const visit = (day: string, i: number, source: string, paths: string[]) =>
      f.visit({ visitor: visitor++, at: `${day}T${String(8 + (i % 10)).padStart(2, '0')}:00:00Z`, source, channel: source === 'Google' ? 'Organic Search' : 'Organic Social', country: 'DE', device: 'Desktop' }, paths.map((path, k) => ({ path, after: k ? 20 : 0 })));
    // the week before: 10 from Google, 10 from Twitter, each on / only
    for (let i = 0; i < 20; i++) visit('2026-11-17', i, i < 10 ? 'Google' : 'Twitter', ['/']);
    // this week: 40 from Google, 8 from Twitter; 12 of them also see /new
    for (let i = 0; i < 48; i++) visit('2026-11-24', i, i < 40 ? 'Google' : 'Twitter', i < 12 ? ['/', '/new'] : ['/']);
    await f.write(await siteDb(env, site));
    const key = await makeKey([site], 'stats:read');
    const body = await ok<{
      period: { from: string; to: string }; compared_to: { from: string; to: string };
      summary: { visitors: { current: number; previous: number; change: number }; sentence: string };
      movers: { dimension: string; value: string; current: number; previous: number; change: number | null; z: number; significant: boolean; sentence: string }[];
      anomalies: unknown[];
    }>(call(`/api/v1/sites/${site}/insights?date=2026-11-23,2026-11-29`, { token: key.token }));
    expect(body.period).toEqual({ from: '2026-11-23', to: '2026-11-29' });
    expect(body.compared_to).toEqual({ from: '2026-11-16', to: '2026-11-22' });
    expect(body.summary.visitors).toEqual({ current: 48, previous: 20, change: 140 });
    // by hand: Google 30 / sqrt(50) = 4.24; /new 12 / sqrt(12) = 3.46; /, DE, Desktop 28 / sqrt(68) = 3.40; Twitter −2 (dropped)
    expect(body.movers.map((m) => [m.dimension, m.value, m.previous, m.current, m.change, m.z, m.significant])).toEqual([
      ['visit:source', 'Google', 10, 40, 300, 4.24, true],
      ['event:page', '/new', 0, 12, null, 3.46, true],
      ['event:page', '/', 20, 48, 140, 3.4, true],
      ['visit:country', 'DE', 20, 48, 140, 3.4, true],
      ['visit:device', 'Desktop', 20, 48, 140, 3.4, true],
    ]);
    expect(body.movers[0]!.sentence).toBe('Visitors from Google rose from 10 to 40 (+300%), beyond normal variation (z = 4.2).');
    expect(body.movers[1]!.sentence).toBe('Visitors on /new rose from 0 to 12 (new this period), beyond normal variation (z = 3.5).');
    expect(body.anomalies).toEqual([]);
  });

  it('a value gone from this period, or fallen below its top 50 rows, is a mover', async () => {
    const site = await makeSite();
    const f = new Fixture(site);
    let visitor = 1;
    const visit = (day: string, source: string, path: string) =>
      f.visit({ visitor: visitor++, at: `${day}T10:00:00Z`, source, channel: source === 'Bing' ? 'Organic Search' : 'Direct', device: 'Desktop' }, [{ path }]);
    // the week before: 30 visitors on /zz, 20 of them from Bing
    for (let i = 0; i < 30; i++) visit('2026-11-17', i < 20 ? 'Bing' : 'Direct / None', '/zz');
    // this week: nobody from Bing; 2 visitors on each of /p00 … /p49 (the top 50 pages), 1 on /zz (51st)
    for (let p = 0; p < 50; p++) for (let k = 0; k < 2; k++) visit('2026-11-24', 'Direct / None', `/p${String(p).padStart(2, '0')}`);
    visit('2026-11-24', 'Direct / None', '/zz');
    await f.write(await siteDb(env, site));
    const body = await ok<{ movers: { dimension: string; value: string; current: number; previous: number; change: number | null; z: number; significant: boolean; sentence: string }[] }>(
      call(`/api/v1/sites/${site}/insights?date=2026-11-23,2026-11-29`, { token: adminToken() }),
    );
    const pick = (dimension: string, value: string) => body.movers.find((m) => m.dimension === dimension && m.value === value);
    // by hand: Bing 20 → 0: z = −20 / sqrt(20) = −4.47, −100 %; /zz 30 → 1: z = −29 / sqrt(31) = −5.21, −29/30 = −96.7 %
    expect(pick('visit:source', 'Bing')).toMatchObject({ previous: 20, current: 0, change: -100, z: -4.47, significant: true });
    expect(pick('visit:source', 'Bing')!.sentence).toBe('Visitors from Bing fell from 20 to 0 (-100%, none this period), beyond normal variation (z = -4.5).');
    expect(pick('event:page', '/zz')).toMatchObject({ previous: 30, current: 1, change: -96.7, z: -5.21, significant: true });
    // Direct / None 10 → 101: 91 / sqrt(111) = 8.64, first
    expect(body.movers[0]).toMatchObject({ dimension: 'visit:source', value: 'Direct / None', previous: 10, current: 101, z: 8.64 });
  });

  it('refuses other sites and bad periods', async () => {
    const site = await makeSite();
    const other = await makeKey([await makeSite()], 'stats:read');
    expect((await call(`/api/v1/sites/${site}/insights`, { token: other.token })).status).toBe(403);
    expect((await call(`/api/v1/sites/${site}/insights?period=3y`, { token: adminToken() })).status).toBe(400);
    expect((await call(`/api/v1/sites/${site}/insights?date=2026-11-01`, { token: adminToken() })).status).toBe(400);
    expect((await call(`/api/v1/sites/${site}/insights?date=2026-11-30,2026-11-01`, { token: adminToken() })).status).toBe(400);
  });
});
