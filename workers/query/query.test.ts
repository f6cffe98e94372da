import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { runQuery } from './run-query';
import { buildDstScenario, buildRevenueScenario, buildScenario, buildVitalsScenario, NY, SHOP, SITE, VITALS } from '../../test/helpers/query-scenario';

const NOW = Date.parse('2024-01-20T12:00:00Z');
const RANGE = ['2024-01-15', '2024-01-16'];

beforeAll(async () => {
  await buildScenario().insert(env.DB);
  await buildDstScenario().insert(env.DB);
  await buildVitalsScenario().insert(env.DB);
  await buildRevenueScenario().insert(env.DB);
});

async function q(body: Record<string, unknown>, site = SITE) {
  return runQuery(env.DB, site, { site_id: site, date_range: RANGE, ...body }, NOW, { mode: 'raw' });
}
const rows = async (body: Record<string, unknown>, site = SITE) => (await q(body, site)).results.map((r) => [...r.dimensions, ...r.metrics]);

describe('aggregate', () => {
  it('counts visitors as daily anonymous uniques plus identified uniques, and visit metrics from sessions', async () => {
    // visitors: 15th {1,2,3} + 16th {4} + identified {10} = 5; visits 6; pageviews 2+1+1+1+1+1 = 7
    // events (engagement excluded): 3+1+2+1+1+1 = 9; bounces 5/6 = 83%; duration (90+0+10+0+0+0)/6 = 16.7 -> 17
    const res = await q({ metrics: ['visitors', 'visits', 'pageviews', 'events', 'bounce_rate', 'visit_duration', 'views_per_visit'] });
    expect(res.results).toEqual([{ metrics: [5, 6, 7, 9, 83, 17, 1.17], dimensions: [] }]);
    expect(res.query).toMatchObject({ site_id: SITE, date_range: ['2024-01-15T00:00:00Z', '2024-01-16T23:59:59Z'], order_by: [['visitors', 'desc']] });
  });

  it('filters on session attribution', async () => {
    // Google: v1 (15th, 2 pageviews) and v4 (16th, 1 pageview)
    expect(await rows({ metrics: ['visitors', 'pageviews'], filters: [['is', 'visit:source', ['Google']]] })).toEqual([[2, 3]]);
  });

  it('applies the page-filter rule: visits and duration of every visit that viewed the page, bounce rate of those entering on it', async () => {
    // visits that viewed /pricing: v1 (entered on /, 90 s) and v3 (entered on /pricing, bounced, 10 s):
    // 2 visits, (90 + 10) / 2 = 50 s; bounce rate over v3 alone = 100 %
    expect(await rows({ metrics: ['visitors', 'visits', 'bounce_rate', 'visit_duration'], filters: [['is', 'event:page', ['/pricing']]] })).toEqual([[2, 2, 100, 50]]);
  });

  it('supports nested logic, regex and case-insensitive contains', async () => {
    const nested = ['or', [['is', 'visit:country', ['GB']], ['and', [['is', 'visit:source', ['Twitter']], ['not', ['is', 'visit:device', ['Desktop']]]]]]];
    expect(await rows({ metrics: ['visitors'], filters: [nested] })).toEqual([[2]]);
    expect(await rows({ metrics: ['visitors'], filters: [['matches', 'event:page', ['^/blog/']]] })).toEqual([[1]]);
    expect(await rows({ metrics: ['visitors'], filters: [['matches_not', 'event:page', ['^/blog/', '^/$']]] })).toEqual([[2]]);
    // shapes a backtracking engine takes exponential time on are plain RE2, answered as their simple forms
    expect(await rows({ metrics: ['visitors'], filters: [['matches', 'event:page', ['^((/blog|/blog))+/(.*)*(.*)*$']]] })).toEqual([[1]]);
    expect(await rows({ metrics: ['visitors'], filters: [['matches', 'event:page', ['^/BLOG/'], { case_sensitive: false }]] })).toEqual([[1]]);
    expect(await rows({ metrics: ['visitors'], filters: [['contains', 'event:page', ['PRIC']]] })).toEqual([[0]]);
    expect(await rows({ metrics: ['visitors'], filters: [['contains', 'event:page', ['PRIC'], { case_sensitive: false }]] })).toEqual([[2]]);
    expect(await rows({ metrics: ['visitors'], filters: [['is_not', 'visit:country', ['US']]] })).toEqual([[2]]);
  });

  it('keeps visitors who did (or never did) an event in the range', async () => {
    expect(await rows({ metrics: ['visitors', 'pageviews'], filters: [['has_done', ['is', 'event:name', ['Signup']]]] })).toEqual([[1, 2]]);
    expect(await rows({ metrics: ['visitors'], filters: [['has_not_done', ['is', 'event:goal', ['Signup']]]] })).toEqual([[4]]);
  });
});

describe('breakdowns', () => {
  it('by source, with percentage and blank labels', async () => {
    // Direct / None: v2 + identified v10 (2 visitors, 3 visits, all bounced); Google: v1, v4; Twitter: v3
    expect(await rows({ metrics: ['visitors', 'visits', 'bounce_rate', 'percentage'], dimensions: ['visit:source'] })).toEqual([
      ['Direct / None', 2, 3, 100, 40],
      ['Google', 2, 2, 50, 40],
      ['Twitter', 1, 1, 100, 20],
    ]);
    expect(await rows({ metrics: ['visitors'], dimensions: ['visit:utm_source'] })).toEqual([['(not set)', 5]]);
  });

  it('by page: visits of the visits that viewed it, bounce rate and duration of those entering on it (as Plausible)', async () => {
    // "/": v1, v4, v10 (3 visitors, 4 visits, 4 pageviews); viewed and entered by v1 (90 s), v4, v10 x2 -> 75 %, 22.5 -> 23 s
    // "/pricing": viewed by v1 (90 s) and v3 (10 s) -> 2 visits; entered by v3 only (bounced, 10 s) -> 100 %, 10 s
    // (under a /pricing filter the duration is 50 s, both viewers': the page-filter test above)
    expect(await rows({ metrics: ['visitors', 'visits', 'pageviews', 'bounce_rate', 'visit_duration'], dimensions: ['event:page'] })).toEqual([
      ['/', 3, 4, 4, 75, 23],
      ['/pricing', 2, 2, 2, 100, 10],
      ['/blog/a', 1, 1, 1, 100, 0],
    ]);
  });

  it('by entry and exit page', async () => {
    expect(await rows({ metrics: ['visits', 'visitors', 'bounce_rate'], dimensions: ['visit:exit_page'] })).toEqual([
      // exits on "/": v10 twice and v4 -> visitors {4} + identified {10} = 2
      ['/', 3, 2, 100],
      ['/pricing', 2, 2, 50],
      ['/blog/a', 1, 1, 100],
    ]);
  });

  it('paginates with total_rows', async () => {
    const res = await q({ metrics: ['visitors'], dimensions: ['event:page'], pagination: { limit: 2, offset: 1 }, include: { total_rows: true } });
    expect(res.results.map((r) => r.dimensions[0])).toEqual(['/pricing', '/blog/a']);
    expect(res.meta.total_rows).toBe(3);
  });

  it('by props, with (none) for events without the key', async () => {
    expect(await rows({ metrics: ['visitors', 'events'], dimensions: ['event:props:plan'] })).toEqual([
      ['(none)', 5, 8],
      ['pro', 1, 1],
    ]);
  });

  it('by goal, with wildcard page goals and conversion rates', async () => {
    expect(await rows({ metrics: ['visitors', 'events', 'conversion_rate'], dimensions: ['event:goal'] })).toEqual([
      ['Visit /pricing', 2, 2, 40],
      ['Signup', 1, 1, 20],
      ['Visit /blog/**', 1, 1, 20],
    ]);
    expect(await rows({ metrics: ['visitors', 'conversion_rate', 'total_revenue'], filters: [['is', 'event:goal', ['Signup']]] })).toEqual([
      [1, 20, { value: 10, currency: 'USD', long: '$10.00', short: '$10.0' }],
    ]);
    // goal names filtered by regex: both page goals (v1, v2, v3)
    expect(await rows({ metrics: ['visitors'], filters: [['matches', 'event:goal', ['^Visit ']]] })).toEqual([[3]]);
    // per source: Google converts 1 of its 2 visitors
    expect(await rows({ metrics: ['visitors', 'group_conversion_rate'], dimensions: ['visit:source'], filters: [['is', 'event:goal', ['Signup']]] })).toEqual([['Google', 1, 50]]);
  });

  it('by country name and new vs returning', async () => {
    expect(await rows({ metrics: ['visitors'], dimensions: ['visit:country_name'] })).toEqual([
      ['United States', 3],
      ['Germany', 1],
      ['United Kingdom', 1],
    ]);
    expect(await rows({ metrics: ['visitors'], filters: [['is', 'visit:country_name', ['United Kingdom', 'germany']]] })).toEqual([[2]]);
    // v10 is identified and seen on the 15th, so returning on the 16th
    expect(await rows({ metrics: ['pageviews'], dimensions: ['visit:new_vs_returning'] })).toEqual([['new', 6], ['returning', 1]]);
  });

  it('by region code and region name, and filtered by region name', async () => {
    // only v1 has a region (US-CA, California: 1 visit, 2 pageviews); v2, v3, v4, v10 have none:
    // 4 visitors, 5 visits (v10 twice), 5 pageviews
    expect(await rows({ metrics: ['visitors', 'visits', 'pageviews'], dimensions: ['visit:region'] })).toEqual([
      ['(not set)', 4, 5, 5],
      ['US-CA', 1, 1, 2],
    ]);
    expect(await rows({ metrics: ['visitors', 'visits', 'pageviews'], dimensions: ['visit:region_name'] })).toEqual([
      ['(not set)', 4, 5, 5],
      ['California', 1, 1, 2],
    ]);
    // v1: 2 pageviews + Signup (engagement excluded) = 3 events
    expect(await rows({ metrics: ['visitors', 'pageviews', 'events'], filters: [['is', 'visit:region_name', ['California']]] })).toEqual([[1, 2, 3]]);
    expect(await rows({ metrics: ['visitors'], dimensions: ['visit:source'], filters: [['is', 'visit:region_name', ['California']]] })).toEqual([['Google', 1]]);
    expect(await rows({ metrics: ['visitors'], filters: [['contains', 'visit:region_name', ['CALIF'], { case_sensitive: false }]] })).toEqual([[1]]);
    expect(await rows({ metrics: ['visitors'], filters: [['is_not', 'visit:region_name', ['California']]] })).toEqual([[4]]);
    // names are not codes, and codes are not names
    expect(await rows({ metrics: ['visitors'], filters: [['is', 'visit:region', ['California']]] })).toEqual([[0]]);
    expect(await rows({ metrics: ['visitors'], filters: [['is', 'visit:region_name', ['US-CA']]] })).toEqual([[0]]);
  });

  it('engagement: scroll depth and time on page', async () => {
    expect(await rows({ metrics: ['scroll_depth', 'time_on_page'], dimensions: ['event:page'], filters: [['is', 'event:page', ['/', '/blog/a']]] })).toEqual([
      ['/blog/a', 80, 20],
      ['/', 60, 15],
    ]);
  });

  it('web vitals p75 and errors', async () => {
    expect(await rows({ metrics: ['lcp_p75', 'cls_p75', 'errors', 'pageviews'] }, VITALS)).toEqual([[3000, 0.123, 2, 1]]);
  });
});

describe('time', () => {
  it('hourly buckets with time labels', async () => {
    const res = await q({ metrics: ['visitors', 'pageviews'], dimensions: ['time:hour'], date_range: ['2024-01-15', '2024-01-15'], include: { time_labels: true } });
    expect(res.results.map((r) => [...r.dimensions, ...r.metrics])).toEqual([
      ['2024-01-15 10:00:00', 1, 2],
      ['2024-01-15 11:00:00', 1, 1],
      ['2024-01-15 12:00:00', 1, 1],
      ['2024-01-15 15:00:00', 1, 1],
    ]);
    expect((res.meta.time_labels as string[]).length).toBe(24);
  });

  it('weekly buckets start on Monday but never before the range', async () => {
    const res = await q({ metrics: ['visitors'], dimensions: ['time:week'], date_range: ['2024-01-10', '2024-01-20'], include: { time_labels: true } });
    expect(res.meta.time_labels).toEqual(['2024-01-10', '2024-01-15']);
    expect(res.results).toEqual([{ dimensions: ['2024-01-15'], metrics: [5] }]);
  });

  it('buckets in the site time zone across midnight and DST', async () => {
    expect(await rows({ metrics: ['pageviews'], dimensions: ['time:day'], date_range: ['2024-03-09', '2024-03-11'] }, NY)).toEqual([
      ['2024-03-09', 1], ['2024-03-10', 3], ['2024-03-11', 1],
    ]);
    const res = await q({ metrics: ['pageviews'], dimensions: ['time:hour'], date_range: ['2024-03-10', '2024-03-10'], include: { time_labels: true } }, NY);
    expect(res.results.map((r) => r.dimensions[0])).toEqual(['2024-03-10 00:00:00', '2024-03-10 03:00:00', '2024-03-10 23:00:00']);
    expect((res.meta.time_labels as string[]).length).toBe(23);
    expect(res.query.date_range).toEqual(['2024-03-10T00:00:00-05:00', '2024-03-10T23:59:59-04:00']);
  });

  it('compares with the previous period', async () => {
    // 16th: {4} + {10} = 2 visitors; 15th: {1,2,3} + {10} = 4
    const res = await q({ metrics: ['visitors', 'bounce_rate'], date_range: ['2024-01-16', '2024-01-16'], include: { comparisons: { mode: 'previous_period' } } });
    expect(res.results[0]).toEqual({ dimensions: [], metrics: [2, 100], comparison: { dimensions: [], metrics: [4, 75], change: [-50, 25] } });
  });

  it('compares time buckets by position', async () => {
    const res = await q({ metrics: ['visitors'], dimensions: ['time:day'], date_range: ['2024-01-16', '2024-01-16'], include: { comparisons: { mode: 'previous_period' }, time_labels: true } });
    expect(res.results).toEqual([{ dimensions: ['2024-01-16'], metrics: [2], comparison: { dimensions: ['2024-01-15'], metrics: [4], change: [-50] } }]);
    expect(res.meta.comparison_time_labels).toEqual(['2024-01-15']);
    const yoy = await q({ metrics: ['visitors'], include: { comparisons: { mode: 'year_over_year' } } });
    expect(yoy.results[0]!.comparison).toEqual({ dimensions: [], metrics: [0], change: [100] });
    expect(yoy.meta.comparison_date_range).toEqual(['2023-01-15T00:00:00Z', '2023-01-16T23:59:59Z']);
  });

  it('takes datetime ranges (end inclusive to the second) and 24h', async () => {
    // 10:00:00 to 11:00:00 inclusive: v1 (10:00, 10:01) and v2 (11:00)
    expect(await rows({ metrics: ['visitors', 'pageviews'], date_range: ['2024-01-15T10:00:00Z', '2024-01-15T11:00:00Z'] })).toEqual([[2, 3]]);
    // a datetime without an offset is site-local wall time
    expect(await rows({ metrics: ['pageviews'], date_range: ['2024-03-10T00:00:00', '2024-03-10T12:00:00'] }, NY)).toEqual([[2]]);
    const res = await runQuery(env.DB, SITE, { site_id: SITE, metrics: ['visitors'], date_range: '24h' }, Date.parse('2024-01-16T12:00:00Z'), { mode: 'raw' });
    expect(res.results[0]!.metrics).toEqual([3]); // v3 12:00, v10 15:00 on the 15th; v4 09:00 on the 16th
  });

  it('resolves `time` by range length and buckets months', async () => {
    const res = await q({ metrics: ['visitors'], dimensions: ['time'], date_range: ['2024-01-15', '2024-01-16'] });
    expect(res.results.map((r) => r.dimensions[0])).toEqual(['2024-01-15', '2024-01-16']);
    expect(await rows({ metrics: ['visitors'], dimensions: ['time:month'], date_range: ['2024-01-01', '2024-03-31'] })).toEqual([['2024-01-01', 5]]);
  });

  it('resolves relative ranges: 7d ends yesterday', async () => {
    const res = await q({ metrics: ['visitors'], date_range: '7d' });
    expect(res.query.date_range).toEqual(['2024-01-13T00:00:00Z', '2024-01-19T23:59:59Z']);
    expect(res.results[0]!.metrics).toEqual([5]);
  });
});

describe('validation', () => {
  const error = async (body: Record<string, unknown>) => {
    try {
      await q(body);
    } catch (e) {
      return (e as Error).message;
    }
    return 'no error';
  };
  it('names the bad part', async () => {
    expect(await error({ metrics: ['visitors', 'baa'] })).toBe('#/metrics/1: Invalid metric "baa"');
    expect(await error({ metrics: ['visitors'], dimensions: ['event:nope'] })).toBe('#/dimensions/0: Invalid dimension "event:nope"');
    expect(await error({ metrics: ['visitors'], foo: 1 })).toBe('#/foo: Unknown key "foo"');
    expect(await error({ metrics: ['visitors'], include: { imports: true } })).toBe('no error');
    expect(await error({ metrics: ['visitors'], include: { time_labels: true, foo: 1 } })).toBe('#/include/foo: Unknown key "foo"');
    expect(await error({ metrics: ['visitors'], filters: [['is', 'visit:source']]})).toMatch(/^#\/filters\/0/);
    expect(await error({ metrics: ['bounce_rate'], dimensions: ['event:name'] })).toMatch(/Session metric\(s\) `bounce_rate` cannot be queried along with event dimension/);
    expect(await error({ metrics: ['views_per_visit'], dimensions: ['visit:source'] })).toMatch(/views_per_visit/);
    expect(await error({ metrics: ['conversion_rate'] })).toMatch(/conversion_rate` can only be queried with event:goal/);
    expect(await error({ metrics: ['percentage'] })).toMatch(/percentage/);
    expect(await error({ metrics: ['visitors'], include: { time_labels: true } })).toMatch(/time_labels/);
    expect(await error({ metrics: ['visitors'], order_by: [['pageviews', 'desc']] })).toMatch(/#\/order_by\/0/);
    // found by the fuzzer (test/fuzz/query.attack.test.ts): a deeply nested order_by field was a
    // 500 (String() overflowed); the depth limit below now refuses that body first, and a field that
    // is not a string is named as such
    const nested = (levels: number): unknown => (levels <= 1 ? 'visitors' : [nested(levels - 1)]);
    expect(await error({ metrics: ['visitors'], order_by: [['visitors', 'desc'], [nested(10), 'desc']] })).toBe('#/order_by/1/0: Expected the name of a queried metric or dimension');
    // found by the fuzzer too: 30,000 levels of nesting anywhere (under 64 KB) overflowed JSON.stringify, a 500
    const deeper = JSON.parse(`${'['.repeat(30_000)}1${']'.repeat(30_000)}`);
    expect(await error({ metrics: ['visitors', deeper] })).toBe('#: Request body is nested deeper than 64 levels');
    // the body is level 1, `metrics` level 2: 62 arrays inside it reach level 64
    expect(await error({ metrics: [nested(63)] })).toMatch(/^#\/metrics\/0: Invalid metric/);
    expect(await error({ metrics: [nested(64)] })).toBe('#: Request body is nested deeper than 64 levels');
    expect(await error({ metrics: ['visitors'], date_range: '5d' })).toMatch(/#\/date_range/);
    expect(await error({ metrics: ['visitors'], filters: [['matches', 'event:page', ['^/ok', '(a)\\1']]] }))
      .toBe('#/filters/0/2/1: Invalid regular expression "(a)\\\\1": uses a backreference, which RE2 (the syntax Plausible and Pulse accept) does not support');
    expect(await error({ metrics: ['visitors'], filters: [['matches_not', 'event:page', ['(?=a)']]] }))
      .toBe('#/filters/0/2/0: Invalid regular expression "(?=a)": uses lookaround, which RE2 (the syntax Plausible and Pulse accept) does not support');
    expect(await error({ metrics: ['visitors'], filters: [['matches', 'event:page', ['[a-']]] })).toBe('#/filters/0/2/0: Invalid regular expression "[a-": missing closing ]: `[a-`');
    expect(await error({ metrics: ['visitors'], include: { comparisons: { mode: 'previous_period', match_day_of_week: 'yes' } } })).toMatch(/#\/include\/comparisons\/match_day_of_week/);
  });
});

describe('revenue', () => {
  const purchase = ['is', 'event:goal', ['Purchase']];
  const shop = (body: Record<string, unknown>) => rows({ date_range: ['2024-01-15', '2024-01-15'], ...body }, SHOP);

  it('returns amounts with their currency, as Plausible does', async () => {
    // Google and Direct bought in EUR: 20.50 + 9.50 = 30.00 over 2 purchases
    expect(await shop({ metrics: ['visitors', 'total_revenue', 'average_revenue'], filters: [purchase, ['is_not', 'visit:source', ['Twitter']]] })).toEqual([[
      2, { value: 30, currency: 'EUR', long: '€30.00', short: '€30.0' }, { value: 15, currency: 'EUR', long: '€15.00', short: '€15.0' },
    ]]);
    expect(await shop({ metrics: ['visitors', 'total_revenue'], dimensions: ['visit:source'], filters: [purchase] })).toEqual([
      ['Direct / None', 1, { value: 9.5, currency: 'EUR', long: '€9.50', short: '€9.5' }],
      ['Google', 1, { value: 20.5, currency: 'EUR', long: '€20.50', short: '€20.5' }],
      ['Twitter', 1, { value: 1234, currency: 'USD', long: '$1,234.00', short: '$1.2K' }],
    ]);
  });

  it('gives no sum for rows that mix currencies or have no revenue (nothing is converted)', async () => {
    expect(await shop({ metrics: ['visitors', 'total_revenue'], filters: [purchase] })).toEqual([[3, null]]);
    // page goals carry no revenue; Purchase mixes EUR and USD
    expect(await shop({ metrics: ['visitors', 'total_revenue'], dimensions: ['event:goal'] })).toEqual([['Purchase', 3, null], ['Visit /cart', 2, null]]);
    // on the 15th without Twitter's USD purchase, Purchase is all EUR; the page goal still has none
    expect(await shop({ metrics: ['visitors', 'total_revenue'], dimensions: ['event:goal'], filters: [['is_not', 'visit:source', ['Twitter']]] })).toEqual([
      ['Purchase', 2, { value: 30, currency: 'EUR', long: '€30.00', short: '€30.0' }], ['Visit /cart', 2, null],
    ]);
  });

  it('orders and compares revenue by its amount', async () => {
    const res = await runQuery(env.DB, SHOP, {
      site_id: SHOP, metrics: ['total_revenue'], dimensions: ['visit:source'], filters: [purchase], date_range: ['2024-01-15', '2024-01-15'],
      order_by: [['total_revenue', 'asc']], include: { comparisons: { mode: 'previous_period' } },
    }, NOW, { mode: 'raw' });
    expect(res.results.map((r) => r.dimensions[0])).toEqual(['Direct / None', 'Google', 'Twitter']);
    expect(res.results[0]!.comparison!.change).toEqual([100]);
  });
});
