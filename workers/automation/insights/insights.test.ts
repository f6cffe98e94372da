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

  it('refuses other sites and bad periods', async () => {
    const site = await makeSite();
    const other = await makeKey([await makeSite()], 'stats:read');
    expect((await call(`/api/v1/sites/${site}/insights`, { token: other.token })).status).toBe(403);
    expect((await call(`/api/v1/sites/${site}/insights?period=3y`, { token: adminToken() })).status).toBe(400);
    expect((await call(`/api/v1/sites/${site}/insights?date=2026-11-01`, { token: adminToken() })).status).toBe(400);
    expect((await call(`/api/v1/sites/${site}/insights?date=2026-11-30,2026-11-01`, { token: adminToken() })).status).toBe(400);
  });
});
