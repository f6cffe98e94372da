/**
 * Plausible's query_test.exs (test/plausible_web/controllers/api/external_stats_controller/),
 * replayed through the Events API and POST /api/v2/query (test/helpers/conformance.ts). Each case
 * keeps Plausible's name, events and expected results. Plausible's event attributes become what a
 * tracker sends: `referrer_source: "Google"` a Google referrer, `utm_*` the page URL's tags,
 * browser, OS and screen size a user agent, `country_code` the request's country. Cases not
 * ported, or answered differently on purpose, are listed in ../README.md.
 */
import { describe, expect } from 'vitest';
import { CHROME, FIREFOX, IPHONE, SAFARI, type Ev } from '../../../test/helpers/conformance';
import { evs, runCases, T0, type Case } from './cases';

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
