/**
 * Issue 13: seeded random date ranges, datetimes, comparisons and time dimensions at the edges of
 * the representable years (and past them), in a zone west of UTC: never a 5xx.
 */
import { env } from 'cloudflare:test';
import { beforeAll, expect, it } from 'vitest';
import { call, makeKey, uniqueDomain } from '../../test/helpers/api';
import { Fixture } from '../../test/helpers/query-fixtures';
import { prng } from '../../test/helpers/prng';

let site: string;
let key: string;
beforeAll(async () => {
  site = uniqueDomain('fz');
  await new Fixture(site, 'America/New_York', ['Visit /a*']).visit({ visitor: 1, at: '2024-01-15T10:00:00Z' }, [{ path: '/a' }, { path: '/b', after: 4 }]).insert(env.DB);
  key = (await makeKey([site], 'stats:read')).token;
});
it('answers 300 edge-of-calendar queries without a 5xx', async () => {
  const r = prng(7);
  const pick = <T,>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const days = ['0001-01-01', '0001-01-02', '0001-12-31', '0002-01-10', '0099-12-31', '0100-01-01', '1969-12-31', '1970-01-01', '2024-01-15', '2024-02-29', '2023-02-29', '9999-12-30', '9999-12-31', '0000-12-31', '2024-00-10', '10000-01-01', '2024-1-1'];
  const times = ['T00:00:00', 'T23:59:59', 'T12:00:00Z', 'T23:59:59+14:00', 'T00:00:00-12:00', 'T00:00:00.5Z', 'T24:00:00'];
  const failures: string[] = [];
  for (let i = 0; i < 300; i++) {
    const d = () => pick(days) + (r() < 0.4 ? pick(times) : '');
    const dr = r() < 0.2 ? pick(['day', '24h', '7d', '30d', 'month', '6mo', '12mo', 'year', 'all', '91d']) : [d(), d()].sort();
    const body: Record<string, unknown> = { site_id: site, metrics: pick([['visitors'], ['visitors', 'bounce_rate'], ['pageviews', 'percentage'], ['conversion_rate', 'visitors']]), date_range: dr };
    const dim = pick([[], ['time'], ['time:hour'], ['time:week'], ['time:month'], ['time:minute'], ['time:day', 'event:page'], ['event:goal']]);
    body.dimensions = dim;
    if (body.metrics && (body.metrics as string[]).includes('conversion_rate')) body.dimensions = ['event:goal'];
    if (r() < 0.5) body.include = { time_labels: dim.some((x) => x.startsWith('time')), comparisons: r() < 0.7 ? { mode: pick(['previous_period', 'year_over_year', 'custom']), date_range: [d().slice(0, 10), d().slice(0, 10)].sort(), match_day_of_week: r() < 0.5 } : null };
    if (r() < 0.3) body.filters = [[pick(['is', 'matches', 'contains']), 'event:page', [pick(['/a', '^/', 'a.*b'])]]];
    const res = await call('/api/v2/query', { token: key, body });
    if (res.status >= 500) failures.push(`${res.status} ${JSON.stringify(body)}`);
    await res.text();
  }
  expect(failures.slice(0, 5)).toEqual([]);
}, 120_000);
