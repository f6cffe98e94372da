/**
 * Stats API v1 end to end: events go in through POST /api/event (events:write key, `ts`), through
 * the SiteDO, Queue and consumer into D1; v1 requests come out in Plausible's shapes. Every
 * expected number is worked out by hand from the scenario below.
 *
 * Site (UTC), day D = 3 days ago, P = the day before:
 *   A  D 10:00 /  (referrer google.com → Google)  10:05 /pricing  10:06 Signup on /pricing
 *   B  D 11:00 /blog
 *   C  D 12:00 /?utm_source=news
 *   E  P 09:00 /
 * Day D: visitors 3, visits 3, pageviews 4, events 5; bounces B and C → 2/3 = 66.7 %, rounded 67;
 * durations 360, 0, 0 → 120 s. Day P: 1 visitor, 1 pageview, bounce 100 %, duration 0.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, call, makeKey, makeSite, ok } from '../../test/helpers/api';
import { drainToD1 } from '../../test/helpers/drain';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
const D = iso(Date.now() - 3 * DAY);
const P = iso(Date.now() - 4 * DAY);
const at = (day: string, hm: string) => `${day}T${hm}:00Z`;

let site: string;
let key: string;

beforeAll(async () => {
  site = await makeSite();
  await ok(call(`/api/v1/sites/${site}/goals`, { token: adminToken(), body: { event_name: 'Signup' } }), 201);
  const write = (await makeKey([site], 'events:write')).token;
  const ev = (ip: string, name: string, path: string, ts: string, extra: Record<string, unknown> = {}) => ({ name, url: `https://${site}${path}`, domain: site, ip, ua: UA, ts, ...extra });
  const events = [
    ev('198.51.100.1', 'pageview', '/', at(D, '10:00'), { referrer: 'https://google.com/' }),
    ev('198.51.100.1', 'pageview', '/pricing', at(D, '10:05')),
    ev('198.51.100.1', 'Signup', '/pricing', at(D, '10:06')),
    ev('198.51.100.2', 'pageview', '/blog', at(D, '11:00')),
    ev('198.51.100.3', 'pageview', '/?utm_source=news', at(D, '12:00')),
    ev('198.51.100.4', 'pageview', '/', at(P, '09:00')),
  ];
  expect((await call('/api/event', { token: write, body: events })).status).toBe(202);
  expect(await drainToD1(site, site, events.length)).toBe(events.length);
  key = (await makeKey([site], 'stats:read')).token;
}, 30_000);

const get = (endpoint: string, params: Record<string, string>, token: string | null = key) =>
  call(`/api/v1/stats/${endpoint}?${new URLSearchParams({ site_id: site, ...params })}`, { token });
const json = async (endpoint: string, params: Record<string, string>) => ok<Record<string, unknown>>(get(endpoint, params), 200);
const error = async (endpoint: string, params: Record<string, string>) => {
  const res = await get(endpoint, params);
  expect(res.status).toBe(400);
  return ((await res.json()) as { error: string }).error;
};
const day = { period: 'day', date: D };

describe('GET /api/v1/stats/aggregate', () => {
  it('aggregates the day', async () => {
    expect(await json('aggregate', { ...day, metrics: 'visitors,visits,pageviews,events,bounce_rate,visit_duration,views_per_visit' })).toEqual({
      results: {
        visitors: { value: 3 }, visits: { value: 3 }, pageviews: { value: 4 }, events: { value: 5 },
        bounce_rate: { value: 67 }, visit_duration: { value: 120 }, views_per_visit: { value: 1.33 },
      },
    });
  });

  it('defaults to visitors over 30d ending today (31 dates, as Plausible)', async () => {
    expect(await json('aggregate', {})).toEqual({ results: { visitors: { value: 4 } } });
  });

  it('compares with the previous period: relative change, points for bounce rate', async () => {
    expect(await json('aggregate', { ...day, metrics: 'visitors,pageviews,bounce_rate,visit_duration', compare: 'previous_period' })).toEqual({
      results: {
        visitors: { value: 3, comparison_value: 1, change: 200 },
        pageviews: { value: 4, comparison_value: 1, change: 300 },
        bounce_rate: { value: 67, comparison_value: 100, change: -33 },
        visit_duration: { value: 120, comparison_value: 0, change: 100 },
      },
    });
  });

  it('filters with the v1 syntax', async () => {
    const agg = async (filters: string, metrics = 'visitors,pageviews') => (await json('aggregate', { ...day, metrics, filters })).results;
    expect(await agg('visit:source==Google', 'visitors,pageviews,bounce_rate,visit_duration')).toEqual({ visitors: { value: 1 }, pageviews: { value: 2 }, bounce_rate: { value: 0 }, visit_duration: { value: 360 } });
    // `|` lists values; `;` joins conditions
    expect(await agg('event:page==/blog|/pricing')).toEqual({ visitors: { value: 2 }, pageviews: { value: 2 } });
    expect(await agg('event:page==/blog|/pricing;visit:source==Google')).toEqual({ visitors: { value: 1 }, pageviews: { value: 1 } });
    // `*` is a wildcard within a path segment
    expect(await agg('event:page==/b*')).toEqual({ visitors: { value: 1 }, pageviews: { value: 1 } });
    expect(await agg('event:page~ric')).toEqual({ visitors: { value: 1 }, pageviews: { value: 1 } });
    // is_not on pages: visitors with an event off `/` (A on /pricing, B on /blog)
    expect(await agg('event:page!=/')).toEqual({ visitors: { value: 2 }, pageviews: { value: 2 } });
    expect(await agg('visit:utm_source==news')).toEqual({ visitors: { value: 1 }, pageviews: { value: 1 } });
    // goal filter: the converting visitor, 1 of 3
    expect(await agg('event:goal==Signup', 'visitors,events,conversion_rate')).toEqual({ visitors: { value: 1 }, events: { value: 1 }, conversion_rate: { value: 33.33 } });
  });
});

describe('GET /api/v1/stats/timeseries', () => {
  it('gives one row per day of 7d, zeros included', async () => {
    const { results } = await json('timeseries', { period: '7d', date: D, metrics: 'visitors,pageviews' });
    const rows = results as Record<string, unknown>[];
    expect(rows).toHaveLength(7);
    expect(rows[0]!.date).toBe(iso(Date.parse(D) - 6 * DAY));
    expect(rows.at(-1)).toEqual({ date: D, visitors: 3, pageviews: 4 });
    expect(rows.at(-2)).toEqual({ date: P, visitors: 1, pageviews: 1 });
    expect(rows.slice(0, 5).every((r) => r.visitors === 0 && r.pageviews === 0)).toBe(true);
  });

  it('gives hours for period=day and months for interval=month', async () => {
    const hours = (await json('timeseries', day)).results as Record<string, unknown>[];
    expect(hours).toHaveLength(24);
    expect(hours[10]).toEqual({ date: `${D} 10:00:00`, visitors: 1 });
    expect(hours.reduce((s, r) => s + (r.visitors as number), 0)).toBe(3);
    const months = (await json('timeseries', { period: 'custom', date: `${D},${D}`, interval: 'month' })).results;
    expect(months).toEqual([{ date: `${D.slice(0, 7)}-01`, visitors: 3 }]);
    const dates = (await json('timeseries', { period: 'custom', date: `${P},${D}`, interval: 'date' })).results;
    expect(dates).toEqual([{ date: P, visitors: 1 }, { date: D, visitors: 3 }]);
  });
});

describe('GET /api/v1/stats/breakdown', () => {
  it('breaks down by page, ordered by visitors then name, paginated', async () => {
    expect(await json('breakdown', { ...day, property: 'event:page', metrics: 'visitors,pageviews' })).toEqual({
      results: [{ page: '/', visitors: 2, pageviews: 2 }, { page: '/blog', visitors: 1, pageviews: 1 }, { page: '/pricing', visitors: 1, pageviews: 1 }],
    });
    expect(await json('breakdown', { ...day, property: 'event:page', limit: '1', page: '2' })).toEqual({ results: [{ page: '/blog', visitors: 1 }] });
    // time_on_page alone is ordered by visitors (/ first), which the rows do not show
    const onPage = (await json('breakdown', { ...day, property: 'event:page', metrics: 'time_on_page' })).results as Record<string, unknown>[];
    expect(onPage.map((r) => Object.keys(r).sort())).toEqual([['page', 'time_on_page'], ['page', 'time_on_page'], ['page', 'time_on_page']]);
    expect(onPage.map((r) => r.page)).toEqual(['/', '/blog', '/pricing']);
  });

  it('leaves out blank UTM values, as Plausible', async () => {
    expect(await json('breakdown', { ...day, property: 'visit:utm_source' })).toEqual({ results: [{ utm_source: 'news', visitors: 1 }] });
  });

  it('breaks down by goal with conversion rate, and by source with a comparison', async () => {
    expect(await json('breakdown', { ...day, property: 'event:goal', metrics: 'visitors,conversion_rate' })).toEqual({ results: [{ goal: 'Signup', visitors: 1, conversion_rate: 33.33 }] });
    const { results } = await json('breakdown', { ...day, property: 'visit:source', compare: 'previous_period' });
    expect(results).toEqual([
      // Direct / None: B on D, E on P; C's utm_source names its source
      { source: 'Direct / None', visitors: 1, comparison: { visitors: 1, change: { visitors: 0 } } },
      { source: 'Google', visitors: 1, comparison: { visitors: 0, change: { visitors: 100 } } },
      { source: 'news', visitors: 1, comparison: { visitors: 0, change: { visitors: 100 } } },
    ]);
  });
});

describe('errors, as Plausible words them', () => {
  it('refuses bad parameters with 400', async () => {
    const docs = 'https://plausible.io/docs/stats-api';
    expect(await error('aggregate', { period: 'aosuhsacp' })).toBe(`Error parsing \`period\` parameter: invalid period \`aosuhsacp\`. Please find accepted values in our docs: ${docs}#time-periods`);
    expect(await error('aggregate', { period: 'month', date: '2021-dkjbAS' })).toBe('Error parsing `date` parameter: invalid_format. Please specify a valid date in ISO-8601 format.');
    expect(await error('aggregate', { period: 'custom' })).toBe(`The \`date\` parameter is required when using a custom period. See ${docs}#time-periods`);
    expect(await error('aggregate', { period: 'custom', date: '2020-131-2piaskj,s,a90uac' })).toBe(
      `Invalid format for \`date\` parameter. When using a custom period, please include two ISO-8601 formatted dates joined by a comma. See ${docs}#time-periods`,
    );
    expect(await error('aggregate', { metrics: 'pageviews,led_zeppelin' })).toBe(`The metric \`led_zeppelin\` is not recognized. Find valid metrics from the documentation: ${docs}#metrics`);
    expect(await error('aggregate', { metrics: 'visitors,visitors' })).toBe('Metrics cannot be queried multiple times.');
    expect(await error('aggregate', { metrics: 'conversion_rate' })).toBe('Metric `conversion_rate` can only be queried in a goal breakdown or with a goal filter');
    expect(await error('aggregate', { metrics: 'bounce_rate', filters: 'event:goal==Signup' })).toBe('Session metric `bounce_rate` cannot be queried when using a filter on `event:goal`.');
    expect(await error('aggregate', { filters: 'event:goal==Nope' })).toBe('The goal `Nope` is not configured for this site. Find out how to configure goals here: https://plausible.io/docs/stats-api#filtering-by-goals');
    expect(await error('aggregate', { filters: 'visit:nope==1' })).toBe(`Invalid filter property 'visit:nope'. Please provide a valid filter property: ${docs}#properties`);
    expect(await error('aggregate', { filters: 'visit:country==Germany' })).toContain('ISO 3166-1 alpha-2');
    expect(await error('timeseries', { interval: 'week' })).toBe('Error parsing `interval` parameter: invalid interval `week`. Valid intervals are `day`, `month`');
    expect(await error('breakdown', {})).toBe('The `property` parameter is required. Please provide at least one property to show a breakdown by.');
    expect(await error('breakdown', { property: 'event:hostname' })).toContain("Property 'event:hostname' is currently not supported for breakdowns.");
    expect(await error('breakdown', { property: 'visit:nope' })).toBe(`Invalid property 'visit:nope'. Please provide a valid property for the breakdown endpoint: ${docs}#properties`);
    expect(await error('breakdown', { property: 'event:page', limit: '0' })).toBe('Please provide limit as a number between 1 and 1000.');
    expect(await error('breakdown', { property: 'event:page', page: 'x' })).toBe('Please provide page as a positive number.');
    expect(await error('breakdown', { property: 'event:page', metrics: 'views_per_visit' })).toBe('Metric `views_per_visit` is not supported in breakdown queries.');
    expect(await error('breakdown', { property: 'event:page', metrics: 'time_on_page', filters: 'event:goal==Signup' })).toBe('Metric `time_on_page` cannot be queried when filtering by `event:goal`');
  });

  it('needs a stats:read key for the site', async () => {
    expect((await get('aggregate', day, null)).status).toBe(401);
    const other = await makeSite();
    expect((await get('aggregate', day, (await makeKey([other], 'stats:read')).token)).status).toBe(403);
    expect((await get('aggregate', day, (await makeKey([site], 'events:write')).token)).status).toBe(403);
    const noSite = await call('/api/v1/stats/aggregate', { token: key });
    expect(noSite.status).toBe(400);
    expect(((await noSite.json()) as { error: string }).error).toBe('Missing site ID. Please provide the required site_id parameter with your request.');
  });
});

describe('GET /api/v1/stats/realtime/visitors', () => {
  it('answers the current visitors as a bare integer', async () => {
    const live = await makeSite();
    const write = (await makeKey([live], 'events:write')).token;
    const ev = (ip: string) => ({ name: 'pageview', url: `https://${live}/`, domain: live, ip, ua: UA });
    expect((await call('/api/event', { token: write, body: [ev('192.0.2.1'), ev('192.0.2.2'), ev('192.0.2.1')] })).status).toBe(202);
    const res = await call(`/api/v1/stats/realtime/visitors?site_id=${live}`, { token: (await makeKey([live], 'stats:read')).token });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('2');
  });
});
