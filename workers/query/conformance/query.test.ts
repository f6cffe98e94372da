/**
 * Plausible's query_test.exs (test/plausible_web/controllers/api/external_stats_controller/),
 * replayed through the Events API and POST /api/v2/query (test/helpers/conformance.ts). Each case
 * keeps Plausible's name, events and expected results. Plausible's event attributes become what a
 * tracker sends: `referrer_source: "Google"` a Google referrer, `utm_*` the page URL's tags,
 * browser, OS and screen size a user agent, `country_code` the request's country. Cases not
 * ported, or answered differently on purpose, are listed in ../README.md.
 */
import { describe, expect } from 'vitest';
import { CHROME, FIREFOX, IPHONE, MAC_CHROME, SAFARI, WINDOWS_CHROME, WINDOWS_FIREFOX, type Ev, evs, runCases, T0, type Case } from '../../../test/helpers/conformance';

const U = 1231; // Plausible's @user_id
const GOOGLE = 'https://www.google.com/';

/** The three pageviews most of query_test.exs starts from: one user twice, 25 minutes apart, and one anonymous visitor. */
function twoVisits(first: Partial<Ev> = {}, other: Partial<Ev> = {}): Ev[] {
  return [
    { user: U, at: '2021-01-01 00:00:00', ...first },
    { user: U, at: '2021-01-01 00:25:00', ...(first.ua ? { ua: first.ua } : {}) },
    { at: '2021-01-01 00:00:00', ...other },
  ];
}

const ALL = ['pageviews', 'visitors', 'bounce_rate', 'visit_duration'];
/** "can filter by <x>": the filtered visit is the user's two pageviews, 25 minutes long. */
const filterCase = (name: string, first: Partial<Ev>, filter: unknown[], other: Partial<Ev> = {}): Case => ({
  name, events: twoVisits(first, other), query: { date_range: 'all', metrics: ALL, filters: [filter] }, results: [{ metrics: [2, 1, 0, 1500], dimensions: [] }],
});

describe('query_test.exs: aggregates', () => {
  runCases([
    { name: 'aggregates a single metric', events: twoVisits(), query: { metrics: ['pageviews'], date_range: 'all' }, results: [{ metrics: [3], dimensions: [] }] },
    {
      name: 'aggregate views_per_visit rounds to two decimal places',
      events: [...twoVisits(), { user: 456, at: '2021-01-01 00:00:00' }, { user: 456, at: '2021-01-01 00:25:00' }],
      query: { metrics: ['views_per_visit'], date_range: 'all' }, results: [{ metrics: [1.67], dimensions: [] }],
    },
    {
      name: 'aggregates all metrics in a single query', events: twoVisits(),
      query: { date_range: 'all', metrics: ['pageviews', 'visits', 'views_per_visit', 'visitors', 'bounce_rate', 'visit_duration'] },
      results: [{ metrics: [3, 2, 1.5, 2, 50, 750], dimensions: [] }],
    },
  ]);
});

describe('query_test.exs: aggregation with filters', () => {
  runCases([
    filterCase('can filter by source', { referrer: GOOGLE }, ['is', 'visit:source', ['Google']]),
    {
      name: 'does not count engagement events towards the events metric in a simple aggregate query',
      events: [{ user: 234, at: '2021-01-01 00:00:00' }, { user: 234, at: '2021-01-01 00:00:01', name: 'engagement', sd: 50, e: 1000 }],
      query: { date_range: 'all', metrics: ['events'] }, results: [{ metrics: [1], dimensions: [] }],
    },
    {
      name: 'engagement events do not affect bounce rate and visit duration',
      events: [{ user: 123, at: '2021-01-01 00:00:00' }, { user: 123, at: '2021-01-01 00:00:03', name: 'engagement', sd: 50, e: 3000 }],
      query: { date_range: 'all', metrics: ['bounce_rate', 'visit_duration'] }, results: [{ metrics: [100, 0], dimensions: [] }],
    },
    filterCase('can filter by channel', { referrer: GOOGLE }, ['is', 'visit:channel', ['Organic Search']]),
    filterCase('can filter by no source/referrer', {}, ['is', 'visit:source', ['Direct / None']], { referrer: GOOGLE }),
    // stored as Plausible's ingestion stores it (host and path: "facebook.com"); its test writes the raw URL into ClickHouse
    filterCase('can filter by referrer', { referrer: 'https://facebook.com/' }, ['is', 'visit:referrer', ['facebook.com']]),
    {
      name: 'contains referrer filter',
      events: evs([{ referrer: 'https://a.com/' }, { referrer: 'https://a.com/' }, { referrer: 'https://ab.com/' }]),
      query: { date_range: 'all', metrics: ['visitors'], filters: [['contains', 'visit:referrer', ['a.com']]] }, results: [{ metrics: [2], dimensions: [] }],
    },
    filterCase('can filter by utm_medium', { path: '/?utm_medium=social' }, ['is', 'visit:utm_medium', ['social']]),
    {
      name: 'can filter by utm_medium case insensitively',
      events: [{ user: U, at: '2021-01-01 00:00:00', path: '/?utm_medium=Social' }, { user: U, at: '2021-01-01 00:25:00' }, { at: '2021-01-01 00:00:00' }],
      query: { date_range: 'all', metrics: ALL, filters: [['is', 'visit:utm_medium', ['sociaL'], { case_sensitive: false }]] },
      results: [{ metrics: [2, 1, 0, 1500], dimensions: [] }],
    },
    {
      name: 'can filter by is_not utm_medium case insensitively',
      events: [{ user: U, at: '2021-01-01 00:00:00', path: '/?utm_medium=Social' }, { user: U, at: '2021-01-01 00:25:00' }, { at: '2021-01-01 00:00:00' }],
      query: { date_range: 'all', metrics: ['pageviews'], filters: [['is_not', 'visit:utm_medium', ['sociaL'], { case_sensitive: false }]] },
      results: [{ metrics: [1], dimensions: [] }],
    },
    filterCase('can filter by utm_source', { path: '/?utm_source=Twitter' }, ['is', 'visit:utm_source', ['Twitter']]),
    filterCase('can filter by utm_campaign', { path: '/?utm_campaign=profile' }, ['is', 'visit:utm_campaign', ['profile']]),
    filterCase('can filter by device type', { ua: CHROME }, ['is', 'visit:device', ['Desktop']], { ua: IPHONE }),
    filterCase('can filter by browser', { ua: CHROME }, ['is', 'visit:browser', ['Chrome']], { ua: FIREFOX }),
    filterCase('can filter by operating system', { ua: SAFARI }, ['is', 'visit:os', ['Mac']]),
    filterCase('can filter by operating system version (10.15: the version a Mac user agent carries)', { ua: SAFARI }, ['is', 'visit:os_version', ['10.15']]),
    filterCase('can filter by country', { country: 'EE' }, ['is', 'visit:country', ['EE']]),
    {
      name: 'can filter by page',
      events: [{ user: U, at: '2021-01-01 00:00:00' }, { user: U, path: '/blogpost', at: '2021-01-01 00:25:00' }, { at: T0 }, { path: '/blogpost', at: T0 }],
      query: { date_range: 'all', metrics: ALL, filters: [['is', 'event:page', ['/blogpost']]] }, results: [{ metrics: [2, 2, 100, 750], dimensions: [] }],
    },
    {
      name: 'can filter by hostname',
      events: [{ hostname: 'one.example.com', at: '2021-01-01 00:00:00' }, { hostname: 'example.com', at: '2021-01-01 00:25:00' }, { at: T0 }],
      query: { date_range: 'all', metrics: ALL, filters: [['contains', 'event:hostname', ['one.example.com', 'example.com']]] },
      results: [{ metrics: [2, 2, 100, 0], dimensions: [] }],
    },
    {
      name: 'filtering by event:name',
      events: [{ name: 'Signup', at: '2021-01-01 00:00:00' }, { name: 'Signup', user: U, at: '2021-01-01 00:25:00' }, { name: 'Signup', user: U, at: '2021-01-01 00:25:00' }, { at: T0 }],
      query: { date_range: 'all', metrics: ['visitors', 'pageviews'], filters: [['is', 'event:name', ['Signup']]] }, results: [{ metrics: [2, 0], dimensions: [] }],
    },
    ...[['filtering by a custom event goal', ['Signup'], undefined], ['filtering by a custom event goal (case insensitive)', ['signup'], { case_sensitive: false }]].map(([name, values, mods]): Case => ({
      name: name as string,
      events: [{ name: 'Signup', at: '2021-01-01 00:00:00' }, { name: 'Signup', user: U, at: '2021-01-01 00:25:00' }, { name: 'Signup', user: U, at: '2021-01-01 00:25:00' }, { name: 'NotConfigured', at: '2021-01-01 00:25:00' }],
      goals: [{ event_name: 'Signup' }],
      query: { date_range: 'all', metrics: ['visitors', 'events'], filters: [['is', 'event:goal', values, ...(mods ? [mods] : [])]] },
      results: [{ metrics: [2, 3], dimensions: [] }],
    })),
    {
      name: 'filtering by a simple pageview goal',
      events: [{ path: '/register', at: '2021-01-01 00:00:00' }, { path: '/register', user: U, at: '2021-01-01 00:25:00' }, { path: '/register', user: U, at: '2021-01-01 00:25:00' }, { path: '/', at: '2021-01-01 00:25:00' }],
      goals: [{ page_path: '/register' }],
      query: { date_range: 'all', metrics: ['visitors', 'pageviews'], filters: [['is', 'event:goal', ['Visit /register']]] }, results: [{ metrics: [2, 3], dimensions: [] }],
    },
    {
      name: 'filtering by a wildcard pageview goal',
      events: evs([{ path: '/blog/post-1' }, { path: '/blog/post-2', user: U }, { path: '/blog', user: U }, { path: '/' }]),
      goals: [{ page_path: '/blog**' }],
      query: { date_range: 'all', metrics: ['visitors', 'pageviews'], filters: [['is', 'event:goal', ['Visit /blog**']]] }, results: [{ metrics: [2, 3], dimensions: [] }],
    },
    {
      name: 'filtering by multiple custom event goals',
      events: evs([{ name: 'Signup' }, { name: 'Purchase', user: U }, { name: 'Purchase', user: U }, {}]),
      goals: [{ event_name: 'Signup' }, { event_name: 'Purchase' }],
      query: { date_range: 'all', metrics: ['visitors', 'events'], filters: [['is', 'event:goal', ['Signup', 'Purchase']]] }, results: [{ metrics: [2, 3], dimensions: [] }],
    },
    {
      name: 'filtering by multiple mixed goals',
      events: evs([{ path: '/account/register' }, { path: '/register', user: U }, { name: 'Signup', user: U }, {}]),
      goals: [{ event_name: 'Signup' }, { page_path: '/**register' }],
      query: { date_range: 'all', metrics: ['visitors', 'events', 'pageviews'], filters: [['is', 'event:goal', ['Signup', 'Visit /**register']]] },
      results: [{ metrics: [2, 3, 2], dimensions: [] }],
    },
    {
      name: 'combining filters',
      events: [{ path: '/blogpost', country: 'EE', user: U, at: '2021-01-01 00:00:00' }, { user: U, at: '2021-01-01 00:25:00' }, { at: T0 }, { path: '/blogpost', at: T0 }],
      query: { date_range: 'all', metrics: ALL, filters: [['is', 'event:page', ['/blogpost']], ['is', 'visit:country', ['EE']]] },
      results: [{ metrics: [1, 1, 0, 1500], dimensions: [] }],
    },
    ...([
      ['contains page filter', ['/en/page1', '/en/page2', '/pl/page1'], ['contains', 'event:page', ['/en/']], 2],
      ['contains page filter case insensitive', ['/en/page1', '/EN/page2', '/pl/page1'], ['contains', 'event:page', ['/En/'], { case_sensitive: false }], 2],
      ['contains_not page filter case insensitive', ['/en/page1', '/EN/page2', '/pl/page1'], ['contains_not', 'event:page', ['/En/'], { case_sensitive: false }], 1],
      ['contains_not page filter', ['/en/page1', '/en/page2', '/pl/page1'], ['contains_not', 'event:page', ['/en/']], 1],
      ['contains with and/or/not filters', ['/en/page1', '/en/page2', '/eng/page1', '/pl/page1', '/gb/page1'],
        ['or', [['and', [['contains', 'event:page', ['/en']], ['not', ['contains', 'event:page', ['/eng']]]]], ['contains', 'event:page', ['/gb']]]], 3],
      ['contains and member filter combined', ['/en/page1', '/en/page2', '/pl/page1', '/ee/page1'], ['contains', 'event:page', ['/en/', '/pl/']], 3],
      ['can escape pipe character in member + contains filter', ['/blog/post|1', '/otherpost|1', '/blog/post|2', '/something-else'], ['contains', 'event:page', ['post|1', '/something-else']], 3],
      ['`matches` operator', ['/user/1234', '/user/789/contributions', '/blog/user/1234', '/user/ef/contributions', '/other/path'], ['matches', 'event:page', ['^/user/[0-9]+']], 2],
      ['`matches_not` operator', ['/user/1234', '/user/789/contributions', '/blog/user/1234', '/user/ef/contributions', '/other/path'], ['matches_not', 'event:page', ['^/user/[0-9]+']], 3],
    ] as [string, string[], unknown[], number][]).map(([name, paths, filter, n]): Case => ({
      name, events: evs(paths.map((path) => ({ path }))), query: { date_range: 'all', metrics: ['visitors'], filters: [filter] }, results: [{ metrics: [n], dimensions: [] }],
    })),
    {
      name: '`contains` and `contains_not` operator with custom properties',
      events: evs([
        { props: { tier: 'large-1', value: 'ax' } }, { props: { tier: 'small-1', value: 'bx' } }, { props: { tier: 'small-1', value: 'ax' } },
        { props: { tier: 'small-2', value: 'bx' } }, { props: { tier: 'small-2', value: 'cx' } }, { props: { tier: 'small-3' } }, { props: { value: 'ax' } }, {},
      ]),
      query: { date_range: 'all', metrics: ['visitors'], filters: [['contains', 'event:props:tier', ['small']], ['contains_not', 'event:props:value', ['b', 'c']]] },
      results: [{ metrics: [1], dimensions: [] }],
    },
    ...([['`contains` operator with custom properties case insensitive', 'contains', 4], ['`contains_not` operator with custom properties case insensitive', 'contains_not', 1]] as const).map(([name, op, n]): Case => ({
      name,
      events: evs([...['large-1', 'Small-1', 'mall-1', 'SMALL-2', 'small-2'].map((v) => ({ props: { name: v } })), {}]),
      query: { date_range: 'all', metrics: ['visitors'], filters: [[op, 'event:props:name', ['maLL'], { case_sensitive: false }]] },
      results: [{ metrics: [n], dimensions: [] }],
    })),
    {
      name: '`matches` and `matches_not` operator with custom properties',
      events: evs([
        { props: { tier: 'large-1', value: 'a' } }, { props: { tier: 'small-1', value: 'b' } }, { props: { tier: 'small-1', value: 'a' } },
        { props: { tier: 'small-2', value: 'b' } }, { props: { tier: 'small-2', value: 'c' } }, { props: { tier: 'small-3' } }, { props: { value: 'a' } }, {},
      ]),
      query: { date_range: 'all', metrics: ['visitors'], filters: [['matches', 'event:props:tier', ['small.+']], ['matches_not', 'event:props:value', ['b|c']]] },
      results: [{ metrics: [1], dimensions: [] }],
    },
    {
      name: 'handles filtering by visit:country', events: evs([{ country: 'EE' }, { country: 'EE' }, { country: 'EE' }]),
      query: { date_range: 'all', metrics: ['pageviews'], filters: [['is', 'visit:country', ['EE']]] }, results: [{ metrics: [3], dimensions: [] }],
    },
    {
      name: 'handles filtering by visit:country with contains', events: evs([{ country: 'EE' }, { country: 'EE' }, { country: 'IT' }, { country: 'DE' }]),
      query: { date_range: 'all', metrics: ['pageviews'], filters: [['contains', 'visit:country', ['E']]] }, results: [{ metrics: [3], dimensions: [] }],
    },
  ]);
});

describe('query_test.exs: timeseries', () => {
  const hours = Array.from({ length: 24 }, (_, h) => `2021-01-01 ${String(h).padStart(2, '0')}:00:00`);
  runCases([
    {
      name: 'shows hourly data for a certain date with time_labels',
      events: [{ user: U, at: '2021-01-01 00:00:00' }, { user: U, at: '2021-01-01 00:10:00' }, { at: '2021-01-01 23:59:00' }],
      query: { metrics: ['visitors', 'pageviews', 'visits', 'visit_duration', 'bounce_rate'], date_range: ['2021-01-01', '2021-01-01'], dimensions: ['time:hour'], include: { time_labels: true } },
      results: [{ dimensions: ['2021-01-01 00:00:00'], metrics: [1, 2, 1, 600, 0] }, { dimensions: ['2021-01-01 23:00:00'], metrics: [1, 1, 1, 0, 100] }],
      check: ({ json }) => expect(json.meta.time_labels).toEqual(hours),
    },
    {
      name: 'shows last 7 days of visitors with time labels',
      events: [{ at: '2021-01-01 00:00:00' }, { at: '2021-01-07 23:59:00' }],
      query: { metrics: ['visitors'], date_range: ['2021-01-01', '2021-01-07'], dimensions: ['time'], include: { time_labels: true } },
      results: [{ dimensions: ['2021-01-01'], metrics: [1] }, { dimensions: ['2021-01-07'], metrics: [1] }],
      check: ({ json }) => expect(json.meta.time_labels).toEqual(['2021-01-01', '2021-01-02', '2021-01-03', '2021-01-04', '2021-01-05', '2021-01-06', '2021-01-07']),
    },
    {
      name: 'shows weekly data with time labels',
      events: [{ at: '2021-01-01 00:00:00' }, { at: '2021-01-03 23:59:00' }, { at: '2021-01-07 23:59:00' }],
      query: { metrics: ['visitors'], date_range: ['2020-12-20', '2021-01-07'], dimensions: ['time:week'], include: { time_labels: true } },
      results: [{ dimensions: ['2020-12-28'], metrics: [2] }, { dimensions: ['2021-01-04'], metrics: [1] }],
      check: ({ json }) => expect(json.meta.time_labels).toEqual(['2020-12-20', '2020-12-21', '2020-12-28', '2021-01-04']),
    },
    {
      name: 'shows last 6 months of visitors',
      events: [{ at: '2020-08-13 00:00:00' }, { at: '2020-12-31 00:00:00' }, { at: '2021-01-01 00:00:00' }, { at: '2021-01-01 00:00:00' }],
      query: { metrics: ['visitors'], date_range: ['2020-07-01', '2021-01-31'], dimensions: ['time:month'] },
      results: [{ dimensions: ['2020-08-01'], metrics: [1] }, { dimensions: ['2020-12-01'], metrics: [1] }, { dimensions: ['2021-01-01'], metrics: [2] }],
    },
    {
      name: 'shows last 12 months of visitors',
      events: [{ at: '2020-02-01 00:00:00' }, { at: '2020-12-31 00:00:00' }, { at: '2021-01-01 00:00:00' }, { at: '2021-01-01 00:00:00' }],
      query: { metrics: ['visitors'], date_range: ['2020-01-01', '2021-01-01'], dimensions: ['time:month'] },
      results: [{ dimensions: ['2020-02-01'], metrics: [1] }, { dimensions: ['2020-12-01'], metrics: [1] }, { dimensions: ['2021-01-01'], metrics: [2] }],
    },
    {
      name: 'shows last 12 months of visitors with interval daily',
      events: [{ at: '2020-02-01 00:00:00' }, { at: '2020-12-31 00:00:00' }, { at: '2021-01-01 00:00:00' }, { at: '2021-01-01 00:00:00' }],
      query: { metrics: ['visitors'], date_range: ['2020-01-01', '2021-01-07'], dimensions: ['time:day'], include: { time_labels: true } },
      results: [{ dimensions: ['2020-02-01'], metrics: [1] }, { dimensions: ['2020-12-31'], metrics: [1] }, { dimensions: ['2021-01-01'], metrics: [2] }],
      check: ({ json }) => expect(json.meta.time_labels).toHaveLength(373),
    },
  ]);
});

describe('query_test.exs: timeseries, continued', () => {
  runCases([
    {
      name: 'shows a custom range with daily interval',
      events: [{ at: '2021-01-01 00:00:00' }, { at: '2021-01-01 00:00:00' }, { at: '2021-01-02 00:00:00' }],
      query: { metrics: ['visitors'], date_range: ['2021-01-01', '2021-01-02'], dimensions: ['time:day'] },
      results: [{ dimensions: ['2021-01-01'], metrics: [2] }, { dimensions: ['2021-01-02'], metrics: [1] }],
    },
    {
      name: 'shows a custom range with monthly interval',
      events: [{ user: U, at: '2020-12-01 00:00:00' }, { user: U, at: '2020-12-01 00:05:00' }, { at: '2021-01-01 00:00:00' }, { at: '2021-01-02 00:00:00' }],
      query: { metrics: ['pageviews', 'visitors', 'bounce_rate', 'visit_duration'], date_range: ['2020-12-01', '2021-01-02'], dimensions: ['time:month'] },
      results: [{ dimensions: ['2020-12-01'], metrics: [2, 1, 0, 300] }, { dimensions: ['2021-01-01'], metrics: [2, 2, 100, 0] }],
    },
    {
      name: 'timeseries with explicit order_by',
      events: ['01', '02', '02', '02', '03', '03', '04', '04'].map((d) => ({ at: `2021-01-${d} 00:00:00` })),
      query: { metrics: ['pageviews'], date_range: ['2020-12-01', '2021-01-04'], dimensions: ['time'], order_by: [['pageviews', 'desc'], ['time', 'asc']] },
      results: [{ dimensions: ['2021-01-02'], metrics: [3] }, { dimensions: ['2021-01-03'], metrics: [2] }, { dimensions: ['2021-01-04'], metrics: [2] }, { dimensions: ['2021-01-01'], metrics: [1] }],
    },
    {
      name: 'timeseries with quarter-hour timezone',
      timezone: 'Asia/Katmandu',
      events: ['05:00', '05:15', '05:30', '05:45', '06:00', '06:15', '06:30'].map((t) => ({ at: `2021-01-02 ${t}:00` })),
      query: { metrics: ['visits'], date_range: ['2021-01-02', '2021-01-02'], dimensions: ['time:hour'] },
      results: [{ dimensions: ['2021-01-02 10:00:00'], metrics: [1] }, { dimensions: ['2021-01-02 11:00:00'], metrics: [4] }, { dimensions: ['2021-01-02 12:00:00'], metrics: [2] }],
    },
  ]);
});

describe('query_test.exs: breakdowns', () => {
  const simple = (dimension: string, v1: Partial<Ev>, v2: Partial<Ev>, blank: Partial<Ev>, labels: [string, string, string]): Case => ({
    name: `simple breakdown by ${dimension}`,
    events: [
      { ...v1, at: '2021-01-01 00:00:00' }, { ...v1, at: '2021-01-01 00:25:00' }, { ...v1, at: '2021-01-01 00:55:00' },
      { ...v2, at: '2021-01-01 01:00:00' }, { ...v2, at: '2021-01-01 01:25:00' }, { ...blank, at: '2021-01-01 00:00:00' },
    ],
    query: { metrics: ['visitors', 'percentage'], date_range: ['2021-01-01', '2021-01-01'], dimensions: [dimension] },
    results: [{ dimensions: [labels[0]], metrics: [3, 50] }, { dimensions: [labels[1]], metrics: [2, 33.3] }, { dimensions: [labels[2]], metrics: [1, 16.7] }],
  });
  runCases([
    {
      name: 'breakdown by visit:source',
      events: [{ referrer: GOOGLE, at: '2021-01-01 00:00:00' }, { referrer: GOOGLE, at: '2021-01-01 00:25:00' }, { at: '2021-01-01 00:00:00' }],
      query: { metrics: ['visitors'], date_range: 'all', dimensions: ['visit:source'] },
      results: [{ dimensions: ['Google'], metrics: [2] }, { dimensions: ['Direct / None'], metrics: [1] }],
    },
    {
      name: 'breakdown by visit:channel',
      events: [{ referrer: GOOGLE, at: '2021-01-01 00:00:00' }, { referrer: GOOGLE, at: '2021-01-01 00:25:00' }, { at: '2021-01-01 00:00:00' }],
      query: { metrics: ['visitors'], date_range: 'all', dimensions: ['visit:channel'] },
      results: [{ dimensions: ['Organic Search'], metrics: [2] }, { dimensions: ['Direct'], metrics: [1] }],
    },
    {
      name: 'breakdown by visit:country',
      events: [{ country: 'EE', at: '2021-01-01 00:00:00' }, { country: 'EE', at: '2021-01-01 00:25:00' }, { country: 'US', at: '2021-01-01 00:00:00' }],
      query: { metrics: ['visitors'], date_range: 'all', dimensions: ['visit:country'] },
      results: [{ dimensions: ['EE'], metrics: [2] }, { dimensions: ['US'], metrics: [1] }],
    },
    simple('visit:source', { referrer: GOOGLE }, { referrer: 'https://twitter.com/' }, {}, ['Google', 'Twitter', 'Direct / None']),
    simple('visit:referrer', { referrer: 'https://example.com/' }, { referrer: 'https://google.com/' }, {}, ['example.com', 'google.com', 'Direct / None']),
    simple('visit:utm_medium', { path: '/?utm_medium=Search' }, { path: '/?utm_medium=social' }, {}, ['Search', 'social', '(not set)']),
    simple('visit:utm_source', { path: '/?utm_source=Google' }, { path: '/?utm_source=Bing' }, {}, ['Google', 'Bing', '(not set)']),
    simple('visit:utm_campaign', { path: '/?utm_campaign=ads' }, { path: '/?utm_campaign=profile' }, {}, ['ads', 'profile', '(not set)']),
    simple('visit:utm_content', { path: '/?utm_content=Content1' }, { path: '/?utm_content=blog2' }, {}, ['Content1', 'blog2', '(not set)']),
    simple('visit:utm_term', { path: '/?utm_term=Term1' }, { path: '/?utm_term=favicon' }, {}, ['Term1', 'favicon', '(not set)']),
    {
      name: 'explicit order_by',
      events: evs([{ ua: WINDOWS_CHROME }, { ua: WINDOWS_FIREFOX }, { ua: FIREFOX }, { ua: FIREFOX }, { ua: MAC_CHROME }]),
      query: { metrics: ['visitors'], date_range: 'all', dimensions: ['visit:os', 'visit:browser'], order_by: [['visitors', 'asc'], ['visit:browser', 'desc'], ['visit:os', 'asc']] },
      results: [
        { dimensions: ['Windows', 'Firefox'], metrics: [1] }, { dimensions: ['Mac', 'Chrome'], metrics: [1] },
        { dimensions: ['Windows', 'Chrome'], metrics: [1] }, { dimensions: ['GNU/Linux', 'Firefox'], metrics: [2] },
      ],
    },
    {
      name: 'breakdown by event:page',
      events: [{ path: '/', at: '2021-01-01 00:00:00' }, { path: '/', at: '2021-01-01 00:25:00' }, { path: '/plausible.io', at: '2021-01-01 00:00:00' }],
      query: { metrics: ['visitors'], date_range: 'all', dimensions: ['event:page'] },
      results: [{ dimensions: ['/'], metrics: [2] }, { dimensions: ['/plausible.io'], metrics: [1] }],
    },
    {
      name: 'attempting to breakdown by event:hostname returns an error',
      events: evs([{ hostname: 'a.example.com' }, { hostname: 'a.example.com' }, { hostname: 'a.example.com' }, { hostname: 'b.example.com' }]),
      query: { date_range: 'all', metrics: ['pageviews'], dimensions: ['event:hostname'] },
      results: [{ dimensions: ['a.example.com'], metrics: [3] }, { dimensions: ['b.example.com'], metrics: [1] }],
    },
    {
      name: 'can breakdown by event:name',
      events: [{ name: 'Signup', at: '2021-01-01 00:00:00' }, { name: 'Signup', at: '2021-01-01 00:00:00' }, { at: '2021-01-01 00:25:00' }],
      query: { metrics: ['visitors'], date_range: 'all', dimensions: ['event:name'] },
      results: [{ dimensions: ['Signup'], metrics: [2] }, { dimensions: ['pageview'], metrics: [1] }],
    },
    {
      name: 'can breakdown by event:name with visitors and events metrics',
      events: [
        { path: '/non-existing', user: U, at: '2021-01-01 00:00:00' }, { name: '404', path: '/non-existing', user: U, at: '2021-01-01 00:00:00' },
        { path: '/non-existing', at: '2021-01-01 00:00:01' }, { path: '/non-existing', user: U, at: '2021-01-01 00:00:02' },
        { name: '404', path: '/non-existing', user: U, at: '2021-01-01 00:00:02' }, { path: '/non-existing', user: U, at: '2021-01-01 00:00:03' },
      ],
      query: { metrics: ['visitors', 'events'], date_range: 'all', dimensions: ['event:name'] },
      results: [{ dimensions: ['pageview'], metrics: [2, 4] }, { dimensions: ['404'], metrics: [1, 2] }],
    },
    {
      name: 'can breakdown by event:name while filtering for something',
      events: evs([
        { name: 'Signup', path: '/pageA', ua: CHROME }, { name: 'Signup', path: '/pageA', ua: CHROME }, { name: 'Signup', path: '/pageA', ua: SAFARI },
        { name: 'Signup', path: '/pageB', ua: CHROME }, { path: '/pageA', ua: CHROME, at: '2021-01-01 00:25:00' },
      ]),
      query: { metrics: ['visitors'], date_range: 'all', dimensions: ['event:name'], filters: [['is', 'event:page', ['/pageA']], ['is', 'visit:browser', ['Chrome']]] },
      results: [{ dimensions: ['Signup'], metrics: [2] }, { dimensions: ['pageview'], metrics: [1] }],
    },
    {
      name: 'can breakdown by a visit:property when filtering by event:name',
      events: [{ referrer: GOOGLE, user: U, at: '2021-01-01 00:00:00' }, { name: 'Signup', user: U, at: '2021-01-01 00:00:00' }, { referrer: 'https://twitter.com/', at: '2021-01-01 00:25:00' }],
      query: { metrics: ['visitors'], date_range: 'all', dimensions: ['visit:source'], filters: [['is', 'event:name', ['Signup']]] },
      results: [{ dimensions: ['Google'], metrics: [1] }],
    },
    {
      name: 'can breakdown by event:name when filtering by event:page',
      events: evs([{ path: '/pageA' }, { path: '/pageA' }, { path: '/pageA', name: 'Signup' }, { path: '/pageB', referrer: 'https://twitter.com/', at: '2021-01-01 00:25:00' }]),
      query: { metrics: ['visitors'], date_range: 'all', dimensions: ['event:name'], filters: [['contains', 'event:page', ['/pageA']]] },
      results: [{ dimensions: ['pageview'], metrics: [2] }, { dimensions: ['Signup'], metrics: [1] }],
    },
    {
      name: 'can breakdown by event:page when filtering by event:name',
      events: evs([{ name: 'Signup', path: '/pageA' }, { name: 'Signup', path: '/pageA' }, { name: 'Signup', path: '/pageB' }, { path: '/pageB', referrer: 'https://twitter.com/', at: '2021-01-01 00:25:00' }]),
      query: { metrics: ['visitors'], date_range: 'all', dimensions: ['event:page'], filters: [['is', 'event:name', ['Signup']]] },
      results: [{ dimensions: ['/pageA'], metrics: [2] }, { dimensions: ['/pageB'], metrics: [1] }],
    },
    {
      name: 'can filter event:page with a wildcard',
      events: evs([{ path: '/en/page1' }, { path: '/en/page2' }, { path: '/en/page2' }, { path: '/pl/page1' }]),
      query: { metrics: ['visitors'], date_range: 'all', dimensions: ['event:page'], filters: [['contains', 'event:page', ['/en/']]] },
      results: [{ dimensions: ['/en/page2'], metrics: [2] }, { dimensions: ['/en/page1'], metrics: [1] }],
    },
    {
      name: 'can filter event:hostname with a contains',
      events: evs([{ hostname: 'alice-m.example.com', path: '/a' }, { hostname: 'anna-m.example.com', path: '/a' }, { hostname: 'adam-m.example.com', path: '/a' }, { hostname: 'bob.example.com', path: '/b' }]),
      query: { metrics: ['visitors'], date_range: 'all', dimensions: ['event:page'], filters: [['contains', 'event:hostname', ['-m.example.com']]] },
      results: [{ dimensions: ['/a'], metrics: [3] }],
    },
    {
      name: 'breakdown by custom event property',
      events: [
        { name: 'Purchase', props: { package: 'business' }, at: '2021-01-01 00:00:00' }, { name: 'Purchase', props: { package: 'personal' }, at: '2021-01-01 00:00:00' },
        { name: 'Purchase', props: { package: 'business' }, at: '2021-01-01 00:25:00' }, { name: 'Some other event', props: { package: 'business' }, at: '2021-01-01 00:25:00' },
      ],
      query: { metrics: ['visitors'], date_range: 'all', dimensions: ['event:props:package'], filters: [['is', 'event:name', ['Purchase']]] },
      results: [{ dimensions: ['business'], metrics: [2] }, { dimensions: ['personal'], metrics: [1] }],
    },
    {
      name: 'breakdown by custom event property, with pageviews metric',
      events: [{ props: { package: 'business' }, at: '2021-01-01 00:00:00' }, { props: { package: 'personal' }, at: '2021-01-01 00:00:00' }, { props: { package: 'business' }, at: '2021-01-01 00:25:00' }],
      query: { metrics: ['pageviews'], date_range: 'all', dimensions: ['event:props:package'] },
      results: [{ dimensions: ['business'], metrics: [2] }, { dimensions: ['personal'], metrics: [1] }],
    },
    {
      name: 'breakdown by custom event property, with (none)',
      events: [
        ...[0, 1, 2].map(() => ({ name: 'Purchase', props: { cost: '16' }, at: '2021-01-01 00:00:00' })), { name: 'Purchase', at: '2021-01-01 00:25:00' },
        { name: 'Purchase', props: { cost: '14' }, at: '2021-01-01 00:25:00' }, { name: 'Purchase', props: { cost: '14' }, at: '2021-01-01 00:26:00' },
      ],
      query: { metrics: ['visitors'], date_range: 'all', dimensions: ['event:props:cost'], filters: [['is', 'event:name', ['Purchase']]] },
      results: [{ dimensions: ['16'], metrics: [3] }, { dimensions: ['14'], metrics: [2] }, { dimensions: ['(none)'], metrics: [1] }],
    },
    {
      name: 'event:goal filter returns 400 when goal not configured', events: [],
      query: { metrics: ['visitors'], date_range: 'all', dimensions: ['visit:browser'], filters: [['is', 'event:goal', ['Register']]] },
      check: ({ status, json }) => {
        expect(status).toBe(400);
        expect(json.error).toMatch('The goal `Register` is not configured for this site. Find out how');
      },
    },
    {
      name: 'validates that filters are valid', events: [],
      query: { metrics: ['visitors'], date_range: 'all', dimensions: ['visit:browser'], filters: [['is', 'badproperty', ['bar']]] },
      check: ({ status, json }) => {
        expect(status).toBe(400);
        expect(json.error).toMatch('Invalid filter');
      },
    },
    {
      name: 'event:page filter for breakdown by session props',
      events: [{ path: '/ignore', at: '2021-01-01 00:00:00' }, { path: '/plausible.io', at: '2021-01-01 00:00:00' }, { path: '/plausible.io', at: '2021-01-01 00:25:00' }, { path: '/plausible.io', ua: SAFARI, at: '2021-01-01 00:00:00' }],
      query: { metrics: ['visitors'], date_range: 'all', dimensions: ['visit:browser'], filters: [['is', 'event:page', ['/plausible.io']]] },
      results: [{ dimensions: ['Chrome'], metrics: [2] }, { dimensions: ['Safari'], metrics: [1] }],
    },
    ...['visit:source', 'visit:utm_medium', 'visit:utm_source', 'visit:utm_campaign'].map((dimension): Case => ({
      name: `event:page filter shows sources of sessions that have visited that page (${dimension})`,
      events: evs([
        { path: '/?utm_medium=Twitter&utm_source=Twitter&utm_campaign=Twitter', user: U },
        { path: '/plausible.io', user: U, at: '2021-01-01 00:01:00' },
        { path: '/plausible.io?utm_medium=Google&utm_source=Google&utm_campaign=Google', referrer: GOOGLE },
        { path: '/plausible.io?utm_medium=Google&utm_source=Google&utm_campaign=Google', referrer: GOOGLE },
      ]),
      query: { metrics: ['visitors'], date_range: 'all', dimensions: [dimension], filters: [['is', 'event:page', ['/plausible.io']]] },
      results: [{ dimensions: ['Google'], metrics: [2] }, { dimensions: ['Twitter'], metrics: [1] }],
    })),
  ]);
});

describe('query_test.exs: goals and IN filters in breakdowns', () => {
  const onboarding = evs([{ name: 'Onboarding conversion: Step 1' }, { name: 'Onboarding conversion: Step 1' }, { name: 'Onboarding conversion: Step 2' }, { name: 'Unrelated' }, { path: '/conversion' }]);
  const onboardingGoals = [{ event_name: 'Onboarding conversion: Step 1' }, { event_name: 'Onboarding conversion: Step 2' }, { event_name: 'Unrelated' }, { page_path: '/conversion' }];
  const pages = evs([{ path: '/ignore' }, { path: '/plausible.io' }, { path: '/plausible.io' }, { path: '/important-page' }]);
  runCases([
    {
      name: 'top sources for a custom goal and filtered by hostname (2)',
      events: evs([{ hostname: 'app.example.com', referrer: 'https://facebook.com/', path: '/register', user: U }, { name: 'Signup', hostname: 'app.example.com', path: '/register', user: U, at: '2021-01-01 00:00:01' }]),
      query: { metrics: ['visitors'], date_range: 'all', dimensions: ['visit:source'], filters: [['is', 'event:hostname', ['app.example.com']]] },
      results: [{ dimensions: ['Facebook'], metrics: [1] }],
    },
    {
      name: 'event:page filter is interpreted as entry_page filter only for bounce_rate',
      events: [
        { user: U, path: '/ignore', at: '2021-01-01 00:00:00' }, { user: U, path: '/plausible.io', at: '2021-01-01 00:01:00' },
        { user: 456, path: '/important-page', at: '2021-01-01 00:00:00' }, { user: 456, path: '/', at: '2021-01-01 00:01:00' },
        { path: '/plausible.io', at: '2021-01-01 00:01:00' },
      ],
      query: { date_range: 'all', metrics: ['visitors', 'bounce_rate'], filters: [['is', 'event:page', ['/plausible.io', '/important-page']]], dimensions: ['visit:browser'] },
      results: [{ dimensions: ['Chrome'], metrics: [3, 50] }],
    },
    {
      name: 'event:goal pageview filter for breakdown by visit source',
      events: evs([{ referrer: 'https://www.bing.com/' }, { referrer: GOOGLE, user: U }, { path: '/plausible.io', user: U, at: '2021-01-01 00:00:01' }]),
      goals: [{ page_path: '/plausible.io' }],
      query: { metrics: ['visitors'], date_range: 'all', dimensions: ['visit:source'], filters: [['is', 'event:goal', ['Visit /plausible.io']]] },
      results: [{ dimensions: ['Google'], metrics: [1] }],
    },
    {
      name: 'event:goal custom event filter for breakdown by visit source',
      events: evs([{ referrer: 'https://www.bing.com/' }, { referrer: GOOGLE, user: U }, { name: 'Register', user: U, at: '2021-01-01 00:00:01' }]),
      goals: [{ event_name: 'Register' }],
      query: { metrics: ['visitors'], date_range: 'all', dimensions: ['visit:source'], filters: [['is', 'event:goal', ['Register']]] },
      results: [{ dimensions: ['Google'], metrics: [1] }],
    },
    {
      name: 'wildcard pageview goal filter for breakdown by event:page',
      events: evs([{ path: '/en/register' }, { path: '/en/register', user: U }, { path: '/en/register', user: U }, { path: '/123/it/register' }, { path: '/should-not-appear' }]),
      goals: [{ page_path: '/**register' }],
      query: { metrics: ['visitors', 'pageviews'], date_range: 'all', dimensions: ['event:page'], filters: [['is', 'event:goal', ['Visit /**register']]] },
      results: [{ dimensions: ['/en/register'], metrics: [2, 3] }, { dimensions: ['/123/it/register'], metrics: [1, 1] }],
    },
    {
      name: 'goal contains filter for goal breakdown', events: onboarding, goals: onboardingGoals,
      query: { metrics: ['visitors'], date_range: 'all', dimensions: ['event:goal'], filters: [['contains', 'event:goal', ['conversion']]] },
      results: [{ dimensions: ['Onboarding conversion: Step 1'], metrics: [2] }, { dimensions: ['Onboarding conversion: Step 2'], metrics: [1] }, { dimensions: ['Visit /conversion'], metrics: [1] }],
    },
    {
      name: 'goal contains filter for goal breakdown (case insensitive)', events: onboarding, goals: onboardingGoals,
      query: { metrics: ['visitors'], date_range: 'all', dimensions: ['event:goal'], filters: [['contains', 'event:goal', ['step'], { case_sensitive: false }]] },
      results: [{ dimensions: ['Onboarding conversion: Step 1'], metrics: [2] }, { dimensions: ['Onboarding conversion: Step 2'], metrics: [1] }],
    },
    {
      name: 'mixed multi-goal filter for breakdown by visit:country',
      events: [
        { country: 'EE', path: '/en/register', at: T0 }, { country: 'EE', name: 'Signup', path: '/en/register', at: T0 },
        { country: 'US', path: '/123/it/register', at: T0 }, { country: 'US', path: '/different', at: T0 },
      ],
      goals: [{ page_path: '/**register' }, { event_name: 'Signup' }],
      query: { metrics: ['visitors', 'pageviews', 'events'], date_range: 'all', dimensions: ['visit:country'], filters: [['is', 'event:goal', ['Signup', 'Visit /**register']]] },
      results: [{ dimensions: ['EE'], metrics: [2, 1, 2] }, { dimensions: ['US'], metrics: [1, 1, 1] }],
    },
    {
      name: 'event:goal custom event filter for breakdown by event page',
      events: evs([{ path: '/en/register', name: 'Register' }, { path: '/en/register', name: 'Register' }, { path: '/it/register', name: 'Register' }]),
      goals: [{ event_name: 'Register' }],
      query: { metrics: ['visitors'], date_range: 'all', dimensions: ['event:page'], filters: [['is', 'event:goal', ['Register']]] },
      results: [{ dimensions: ['/en/register'], metrics: [2] }, { dimensions: ['/it/register'], metrics: [1] }],
    },
    {
      name: 'IN filter for event:page', events: pages,
      query: { metrics: ['visitors'], date_range: 'all', dimensions: ['event:page'], filters: [['is', 'event:page', ['/plausible.io', '/important-page']]] },
      results: [{ dimensions: ['/plausible.io'], metrics: [2] }, { dimensions: ['/important-page'], metrics: [1] }],
    },
    {
      name: 'IN filter for visit:browser',
      events: evs([{ path: '/ignore', ua: FIREFOX }, { path: '/plausible.io', ua: CHROME }, { path: '/plausible.io', ua: SAFARI }, { path: '/important-page', ua: SAFARI }]),
      query: { metrics: ['visitors'], date_range: 'all', dimensions: ['event:page'], filters: [['is', 'visit:browser', ['Chrome', 'Safari']]] },
      results: [{ dimensions: ['/plausible.io'], metrics: [2] }, { dimensions: ['/important-page'], metrics: [1] }],
    },
    {
      name: 'IN filter for visit:entry_page', events: pages,
      query: { metrics: ['bounce_rate'], date_range: 'all', dimensions: ['event:page'], filters: [['is', 'event:page', ['/plausible.io', '/important-page']]] },
      check: ({ json }) => {
        expect(json.results).toHaveLength(2);
        expect(json.results).toContainEqual({ dimensions: ['/plausible.io'], metrics: [100] });
        expect(json.results).toContainEqual({ dimensions: ['/important-page'], metrics: [100] });
      },
    },
    {
      name: 'IN filter for event:name', events: evs([{ name: 'Signup' }, { name: 'Signup' }, { name: 'Login' }, { name: 'Irrelevant' }]),
      query: { metrics: ['visitors'], date_range: 'all', dimensions: ['event:name'], filters: [['is', 'event:name', ['Signup', 'Login']]] },
      results: [{ dimensions: ['Signup'], metrics: [2] }, { dimensions: ['Login'], metrics: [1] }],
    },
    {
      name: 'IN filter for event:name case insensitive', events: evs([{ name: 'Signup' }, { name: 'Signup' }, { name: 'Login' }, { name: 'Irrelevant' }]),
      query: { metrics: ['visitors'], date_range: 'all', filters: [['is', 'event:name', ['signup', 'LOGIN'], { case_sensitive: false }]] },
      results: [{ dimensions: [], metrics: [3] }],
    },
  ]);
});
