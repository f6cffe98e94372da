/**
 * The rest of Plausible's query_test.exs (from "IN filter for event:props:*" to the end), replayed
 * like query.test.ts (test/helpers/conformance.ts): Plausible's names, events and expected results.
 * Plausible's `"meta.key"`/`"meta.value"` become `props`, `browser` a user agent naming it
 * (Plausible's factory writes a bare `"Edge"`/`"IE"`; its ingestion, like Pulse's, stores
 * `Microsoft Edge`/`Internet Explorer`), `referrer_source` a referrer. Cases not ported, or
 * answered differently on purpose, are listed in ../README.md.
 */
import { describe, expect } from 'vitest';
import { adminToken, call, ok } from '../../../test/helpers/api';
import { CHROME, conformanceSite, FIREFOX, SAFARI, type Ev, evs, runCases, T0 } from '../../../test/helpers/conformance';

const EDGE = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0';
const IE = 'Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko';
const GOOGLE = 'https://www.google.com/';
const TWITTER = 'https://twitter.com/';

describe('query_test.exs: props filters', () => {
  runCases([
    {
      name: 'IN filter for event:props:*',
      events: evs([
        { ua: CHROME, props: { browser: 'Chrome' } }, { ua: CHROME, props: { browser: 'Chrome' } },
        { ua: SAFARI, props: { browser: 'Safari' } }, { ua: FIREFOX, props: { browser: 'Firefox' } },
      ]),
      query: { metrics: ['visitors'], date_range: 'all', dimensions: ['visit:browser'], filters: [['is', 'event:props:browser', ['Chrome', 'Safari']]] },
      results: [{ dimensions: ['Chrome'], metrics: [2] }, { dimensions: ['Safari'], metrics: [1] }],
    },
    {
      name: 'Multiple event:props:* filters',
      events: evs([
        { ua: CHROME, props: { browser: 'Chrome' } }, { ua: CHROME, props: { browser: 'Chrome', prop: 'xyz' } },
        { ua: SAFARI, props: { browser: 'Safari', prop: 'target_value' } }, { ua: CHROME, props: { browser: 'Chrome', prop: 'target_value' } },
        { ua: FIREFOX, props: { browser: 'Firefox', prop: 'target_value' } },
      ]),
      query: {
        metrics: ['visitors'], date_range: 'all', dimensions: ['visit:browser'],
        filters: [
          ['is', 'event:props:browser', ['CHROME', 'sAFari'], { case_sensitive: false }],
          ['is_not', 'event:props:browser', ['Chrome'], { case_sensitive: false }],
          ['is', 'event:props:prop', ['target_value']],
        ],
      },
      results: [{ dimensions: ['Safari'], metrics: [1] }],
    },
    {
      name: 'IN filter for event:props:* including (none) value',
      events: evs([{ ua: CHROME, props: { browser: 'Chrome' } }, { ua: CHROME, props: { browser: 'Chrome' } }, { ua: SAFARI }, { ua: FIREFOX, props: { browser: 'Firefox' } }]),
      query: { metrics: ['visitors'], date_range: 'all', dimensions: ['visit:browser'], filters: [['is', 'event:props:browser', ['Chrome', '(none)']]] },
      results: [{ dimensions: ['Chrome'], metrics: [2] }, { dimensions: ['Safari'], metrics: [1] }],
    },
    {
      name: 'can use a is_not filter (Edge: the name ingestion stores, Microsoft Edge)',
      events: evs([{ ua: CHROME }, { ua: SAFARI }, { ua: SAFARI }, { ua: EDGE }]),
      query: { metrics: ['visitors'], date_range: 'all', dimensions: ['visit:browser'], filters: [['is_not', 'visit:browser', ['Chrome']]] },
      results: [{ dimensions: ['Safari'], metrics: [2] }, { dimensions: ['Microsoft Edge'], metrics: [1] }],
    },
    {
      name: 'filtering by custom event property (IE: Internet Explorer)',
      events: [
        { name: 'Purchase', props: { package: 'business' }, ua: CHROME, at: '2021-01-01 00:00:00' },
        { name: 'Purchase', props: { package: 'business' }, ua: SAFARI, at: '2021-01-01 00:00:00' },
        { name: 'Purchase', props: { package: 'business' }, ua: SAFARI, at: '2021-01-01 00:25:00' },
        { name: 'Purchase', props: { package: 'personal' }, ua: IE, at: '2021-01-01 00:25:00' },
      ],
      query: { metrics: ['visitors'], date_range: 'all', dimensions: ['visit:browser'], filters: [['is', 'event:name', ['Purchase']], ['is', 'event:props:package', ['business']]] },
      results: [{ dimensions: ['Safari'], metrics: [2] }, { dimensions: ['Chrome'], metrics: [1] }],
    },
    {
      name: 'can filter by utm_medium case insensitively (Social and SOCIAL in one visit)',
      events: [{ user: 1231, at: '2021-01-01 00:00:00', path: '/?utm_medium=Social' }, { user: 1231, at: '2021-01-01 00:25:00', path: '/?utm_medium=SOCIAL' }, { at: T0 }],
      query: { date_range: 'all', metrics: ['pageviews', 'visitors', 'bounce_rate', 'visit_duration'], filters: [['is', 'visit:utm_medium', ['social'], { case_sensitive: false }]] },
      results: [{ metrics: [2, 1, 0, 1500], dimensions: [] }],
    },
  ]);
});

describe('query_test.exs: metrics', () => {
  runCases([
    {
      name: 'all metrics for breakdown by visit prop',
      events: [
        { user: 1, referrer: GOOGLE, at: '2021-01-01 00:00:00' }, { user: 1, name: 'signup', referrer: GOOGLE, at: '2021-01-01 00:05:00' },
        { user: 1, referrer: GOOGLE, at: '2021-01-01 00:10:00' }, { referrer: GOOGLE, at: '2021-01-01 00:25:00' }, { referrer: TWITTER, at: '2021-01-01 00:00:00' },
      ],
      query: { metrics: ['visitors', 'visits', 'pageviews', 'events', 'bounce_rate', 'visit_duration'], date_range: 'all', dimensions: ['visit:source'] },
      results: [{ dimensions: ['Google'], metrics: [2, 2, 3, 4, 50, 300] }, { dimensions: ['Twitter'], metrics: [1, 1, 1, 1, 100, 0] }],
    },
    {
      name: 'metrics=bounce_rate does not add visits to the response',
      events: [
        { user: 1, path: '/entry-page-1', at: '2021-01-01 00:00:00' }, { user: 1, path: '/some-page', at: '2021-01-01 00:10:00' },
        { user: 2, path: '/entry-page-2', referrer: GOOGLE, at: '2021-01-01 00:05:00' },
      ],
      query: { metrics: ['bounce_rate'], date_range: 'all', dimensions: ['visit:entry_page'], order_by: [['visit:entry_page', 'asc']] },
      results: [{ dimensions: ['/entry-page-1'], metrics: [0] }, { dimensions: ['/entry-page-2'], metrics: [100] }],
    },
    {
      // session A (user 1): "/" then "/plausible.io" 10 min later (600 s, entered on "/");
      // B: "/" alone (bounce); C: "/plausible.io" alone (bounce). By page, visits are the sessions
      // that viewed it, bounce rate and duration those of the sessions that entered on it:
      // "/" = A and B: 50 %, (600 + 0) / 2 = 300 s; "/plausible.io" = C: 100 %, 0 s
      name: 'all metrics for breakdown by event prop',
      events: [
        { user: 1, path: '/', at: '2021-01-01 00:00:00' }, { user: 1, path: '/plausible.io', at: '2021-01-01 00:10:00' },
        { path: '/', at: '2021-01-01 00:25:00' }, { path: '/plausible.io', at: '2021-01-01 00:00:00' },
      ],
      query: { metrics: ['visitors', 'visits', 'pageviews', 'events', 'bounce_rate', 'visit_duration'], date_range: 'all', dimensions: ['event:page'], order_by: [['event:page', 'desc']] },
      results: [{ dimensions: ['/plausible.io'], metrics: [2, 2, 2, 2, 100, 0] }, { dimensions: ['/'], metrics: [2, 2, 2, 2, 50, 300] }],
    },
  ]);
});

describe('query_test.exs: multi-dimension breakdowns', () => {
  runCases([
    {
      name: 'multiple breakdown timeseries with sources',
      events: [
        { referrer: GOOGLE, at: '2021-01-01 00:00:00' }, { at: '2021-01-02 00:00:00' }, { referrer: GOOGLE, at: '2021-01-02 00:00:00' },
        { referrer: GOOGLE, at: '2021-01-02 00:00:00' }, { at: '2021-01-03 00:00:00' }, { at: '2021-01-03 00:00:00' }, { referrer: TWITTER, at: '2021-01-03 00:00:00' },
      ],
      query: { metrics: ['visitors'], date_range: ['2021-01-01', '2021-01-03'], dimensions: ['time', 'visit:source'] },
      results: [
        { dimensions: ['2021-01-01', 'Google'], metrics: [1] }, { dimensions: ['2021-01-02', 'Google'], metrics: [2] },
        { dimensions: ['2021-01-02', 'Direct / None'], metrics: [1] }, { dimensions: ['2021-01-03', 'Direct / None'], metrics: [2] },
        { dimensions: ['2021-01-03', 'Twitter'], metrics: [1] },
      ],
    },
  ]);
});

describe('query_test.exs: using the returned query object in a new POST request', () => {
  runCases([
    {
      name: 'yields the same results for a simple aggregate query', timezone: 'Europe/Tallinn',
      events: [{ user: 1231, at: '2021-01-01 00:00:00' }, { user: 1231, at: '2021-01-01 00:25:00' }, { at: T0 }],
      query: { metrics: ['pageviews'], date_range: 'all' },
      results: [{ metrics: [3], dimensions: [] }],
      check: async ({ json }, site) => {
        expect(json.query).toBeTruthy();
        const again = await site.query(json.query);
        expect(again.status, JSON.stringify(again.json)).toBe(200);
        expect(again.json.results).toEqual([{ metrics: [3], dimensions: [] }]);
      },
    },
  ]);
});

/** Plausible's pagination `setup`: eight anonymous pageviews, /1 … /8. */
const eight = evs([1, 2, 3, 4, 5, 6, 7, 8].map((n) => ({ path: `/${n}` })));
const pageRow = (n: number) => ({ dimensions: [`/${n}`], metrics: [1] });
const paged = { metrics: ['pageviews'], date_range: 'all', dimensions: ['event:page'], order_by: [['event:page', 'asc']], include: { total_rows: true } };

describe('query_test.exs: pagination', () => {
  runCases([
    {
      name: 'pagination above total count - all results are returned', events: eight,
      query: { ...paged, pagination: { limit: 10 } },
      results: [1, 2, 3, 4, 5, 6, 7, 8].map(pageRow),
      check: ({ json }) => expect(json.meta.total_rows).toBe(8),
    },
    {
      name: 'pagination with offset', events: eight,
      query: { ...paged, pagination: { limit: 3 } },
      results: [1, 2, 3].map(pageRow),
      check: async ({ json }, site) => {
        expect(json.meta.total_rows).toBe(8);
        const page = async (offset: number) => {
          const { status, json: j } = await site.query({ ...paged, pagination: { limit: 3, offset } });
          expect(status, JSON.stringify(j)).toBe(200);
          return j;
        };
        const [p2, p3, p4] = [await page(3), await page(6), await page(9)];
        expect(p2.results).toEqual([4, 5, 6].map(pageRow));
        expect(p2.meta.total_rows).toBe(8);
        expect(p3.results).toEqual([7, 8].map(pageRow));
        expect(p3.meta.total_rows).toBe(8);
        expect(p4.results).toEqual([]);
      },
    },
  ]);
});

/** Plausible's `build(:engagement, …)`: the engagement event a page sends when left (`sd` its scroll depth). */
const eng = (user: number, at: string, sd: number, extra: Partial<Ev> = {}): Ev => ({ name: 'engagement', user, at, sd, e: 1000, ...extra });
const min = (m: number, day = '2020-01-01') => `${day} 00:0${m}:00`;

/** The events of "breakdown by event:page with scroll_depth metric" and "can sort by scroll_depth". */
const blogAndAnother: Ev[] = [
  { user: 12, path: '/blog', at: min(0) }, eng(12, min(1), 20, { path: '/blog' }), { user: 12, path: '/another', at: min(1) }, eng(12, min(2), 24, { path: '/another' }),
  { user: 34, path: '/blog', at: min(0) }, eng(34, min(1), 17, { path: '/blog' }), { user: 34, path: '/another', at: min(1) }, eng(34, min(2), 26, { path: '/another' }),
  { user: 34, path: '/blog', at: min(2) }, eng(34, min(3), 60, { path: '/blog' }),
  { user: 56, path: '/blog', at: min(0) }, eng(56, min(1), 100, { path: '/blog' }),
];

// Plausible answers these on its internal test endpoint (its public API rejects scroll_depth); Pulse serves scroll_depth publicly.
describe('query_test.exs: scroll_depth', () => {
  runCases([
    {
      name: 'can query scroll_depth metric with a page filter',
      events: [
        { user: 123, at: '2021-01-01 00:00:00' }, eng(123, '2021-01-01 00:00:10', 40), { user: 123, at: '2021-01-01 00:00:10' }, eng(123, '2021-01-01 00:00:20', 60),
        { user: 456, at: '2021-01-01 00:00:00' }, eng(456, '2021-01-01 00:00:10', 80),
      ],
      query: { filters: [['is', 'event:page', ['/']]], date_range: 'all', metrics: ['scroll_depth'] },
      results: [{ metrics: [70], dimensions: [] }],
    },
    {
      name: 'can query scroll_depth with page + custom prop filter',
      events: [
        { user: 123, at: '2021-01-01 00:00:00' }, eng(123, '2021-01-01 00:00:10', 40),
        { user: 123, at: '2021-01-01 00:00:10', props: { author: 'john' } }, eng(123, '2021-01-01 00:00:20', 60, { props: { author: 'john' } }),
        { user: 456, at: '2021-01-01 00:00:00' }, eng(456, '2021-01-01 00:00:10', 80),
      ],
      query: { filters: [['is', 'event:page', ['/']], ['is', 'event:props:author', ['john']]], date_range: 'all', metrics: ['scroll_depth'] },
      results: [{ metrics: [60], dimensions: [] }],
    },
    {
      name: 'scroll depth is 0 when no engagement data in range', events: [{ at: '2021-01-01 00:00:00' }],
      query: { filters: [['is', 'event:page', ['/']]], date_range: 'all', metrics: ['visitors', 'scroll_depth'] },
      results: [{ metrics: [1, null], dimensions: [] }],
    },
    {
      name: 'scroll depth is 0 when no data at all in range', events: [],
      query: { filters: [['is', 'event:page', ['/']]], date_range: 'all', metrics: ['scroll_depth'] },
      results: [{ metrics: [null], dimensions: [] }],
    },
    {
      name: 'scroll_depth metric in a time:day breakdown',
      events: [
        { user: 12, at: min(0) }, eng(12, min(1), 20), { user: 34, at: min(0) }, eng(34, min(1), 17), { user: 34, at: min(2) }, eng(34, min(3), 60),
        { user: 56, at: min(0, '2020-01-02') }, eng(56, min(1, '2020-01-02'), 20),
      ],
      query: { metrics: ['scroll_depth'], date_range: 'all', dimensions: ['time:day'], filters: [['is', 'event:page', ['/']]] },
      results: [{ dimensions: ['2020-01-01'], metrics: [40] }, { dimensions: ['2020-01-02'], metrics: [20] }],
    },
    {
      name: 'breakdown by event:page with scroll_depth metric', events: blogAndAnother,
      query: { metrics: ['scroll_depth'], date_range: 'all', dimensions: ['event:page'] },
      results: [{ dimensions: ['/blog'], metrics: [60] }, { dimensions: ['/another'], metrics: [25] }],
    },
    {
      name: 'can sort by scroll_depth in event:page breakdown', events: blogAndAnother,
      query: { metrics: ['scroll_depth'], date_range: 'all', order_by: [['scroll_depth', 'asc']], dimensions: ['event:page'] },
      results: [{ dimensions: ['/another'], metrics: [25] }, { dimensions: ['/blog'], metrics: [60] }],
    },
    {
      name: 'breakdown by event:page + visit:source with scroll_depth metric',
      events: [
        { user: 12, path: '/blog', referrer: GOOGLE, at: min(0) }, eng(12, min(1), 20, { path: '/blog' }),
        { user: 34, path: '/blog', referrer: GOOGLE, at: min(0) }, eng(34, min(1), 17, { path: '/blog' }), { user: 34, path: '/blog', at: min(2) }, eng(34, min(3), 60, { path: '/blog' }),
        { user: 56, path: '/blog', referrer: TWITTER, at: min(0) }, eng(56, min(1), 20, { path: '/blog' }), { user: 56, path: '/another', at: min(1) }, eng(56, min(2), 24, { path: '/another' }),
      ],
      query: { metrics: ['scroll_depth'], order_by: [['scroll_depth', 'asc']], date_range: 'all', dimensions: ['event:page', 'visit:source'] },
      results: [{ dimensions: ['/blog', 'Twitter'], metrics: [20] }, { dimensions: ['/another', 'Twitter'], metrics: [24] }, { dimensions: ['/blog', 'Google'], metrics: [40] }],
    },
    {
      name: 'breakdown by event:page + time:day with scroll_depth metric',
      events: [
        { user: 12, path: '/blog', at: min(0) }, eng(12, min(1), 20, { path: '/blog' }), { user: 12, path: '/another', at: min(1) }, eng(12, min(2), 24, { path: '/another' }),
        { user: 34, path: '/blog', at: min(0) }, eng(34, min(1), 17, { path: '/blog' }), { user: 34, path: '/another', at: min(1) }, eng(34, min(2), 26, { path: '/another' }),
        { user: 34, path: '/blog', at: min(2) }, eng(34, min(3), 60, { path: '/blog' }),
        { user: 56, path: '/blog', at: min(0, '2020-01-02') }, eng(56, min(1, '2020-01-02'), 20, { path: '/blog' }),
        { user: 56, path: '/another', at: min(1, '2020-01-02') }, eng(56, min(2, '2020-01-02'), 24, { path: '/another' }),
      ],
      query: { metrics: ['scroll_depth'], date_range: 'all', dimensions: ['event:page', 'time:day'] },
      results: [
        { dimensions: ['/blog', '2020-01-01'], metrics: [40] }, { dimensions: ['/another', '2020-01-01'], metrics: [25] },
        { dimensions: ['/another', '2020-01-02'], metrics: [24] }, { dimensions: ['/blog', '2020-01-02'], metrics: [20] },
      ],
    },
    {
      name: 'breakdown by a custom prop with a page filter',
      events: [
        { user: 123, at: '2021-01-01 00:00:00', path: '/blog' }, eng(123, '2021-01-01 00:01:00', 91, { path: '/blog' }),
        { user: 123, at: '2021-01-01 00:02:00', path: '/blog/john-post', props: { author: 'john' } }, eng(123, '2021-01-01 00:03:00', 40, { path: '/blog/john-post', props: { author: 'john' } }),
        { user: 123, at: '2021-01-01 00:02:00', path: '/another-blog/john-post', props: { author: 'john' } }, eng(123, '2021-01-01 00:03:00', 90, { path: '/another-blog/john-post', props: { author: 'john' } }),
        { user: 456, at: '2021-01-01 00:02:00', path: '/blog/john-post', props: { author: 'john' } }, eng(456, '2021-01-01 00:03:00', 46, { path: '/blog/john-post', props: { author: 'john' } }),
      ],
      query: { metrics: ['scroll_depth'], order_by: [['scroll_depth', 'desc']], date_range: 'all', filters: [['matches', 'event:page', ['/blog.*']]], dimensions: ['event:props:author'] },
      results: [{ dimensions: ['(none)'], metrics: [91] }, { dimensions: ['john'], metrics: [43] }],
    },
  ]);
});

const pv = (user: number, at = '2021-01-01 00:00:00', extra: Partial<Ev> = {}): Ev => ({ user, at, ...extra });
const ev = (name: string, user: number, at = '2021-01-01 00:00:00', extra: Partial<Ev> = {}): Ev => ({ name, user, at, ...extra });
const pages = [pv(1, T0, { path: '/blog/post/1' }), pv(1, T0, { path: '/' }), pv(2, T0, { path: '/' }), pv(3, T0, { path: '/blog/post/1' })];
const conversions = [ev('Conversion', 1), ev('Conversion', 1), pv(1), pv(1), pv(1), ev('Conversion', 2), pv(2), ev('Conversion', 3), pv(4)];

// Plausible's internal test endpoint again; Pulse's public API takes has_done/has_not_done (DESIGN §4).
describe('query_test.exs: behavioral (has_done/has_not_done) filters', () => {
  runCases([
    {
      name: 'has_done does counting by sessions',
      events: [
        ev('Conversion', 1, '2021-01-01 00:00:00'), pv(1, '2021-01-01 00:01:00'),
        pv(1, '2021-01-02 00:00:00'), pv(1, '2021-01-02 00:01:00'),
        ev('Conversion', 1, '2021-01-03 00:00:00'), pv(1, '2021-01-03 00:01:00'), pv(1, '2021-01-03 00:02:00'), pv(1, '2021-01-03 00:03:00'),
        ev('Conversion', 2, '2021-01-01 00:00:00'), pv(2, '2021-01-01 00:01:00'), pv(2, '2021-01-01 00:02:00'), pv(2, '2021-01-01 00:03:00'), pv(2, '2021-01-01 00:04:00'),
      ],
      query: { metrics: ['visitors', 'visits', 'events', 'pageviews'], date_range: 'all', filters: [['has_done', ['is', 'event:name', ['Conversion']]]] },
      results: [{ dimensions: [], metrics: [2, 3, 11, 8] }],
    },
    {
      name: 'has_done returns all events by users who match condition if no further filters are provided',
      events: [pv(1), ev('AddToCart', 1), ev('Purchase', 1), pv(2), ev('Purchase', 2), pv(3), pv(4), ev('Purchase', 5)],
      query: { metrics: ['visitors', 'events', 'pageviews'], date_range: 'all', filters: [['has_done', ['is', 'event:name', ['Purchase']]]] },
      results: [{ dimensions: [], metrics: [3, 6, 2] }],
    },
    {
      name: 'has_done event:page filter', events: pages,
      query: { metrics: ['visitors', 'pageviews'], date_range: 'all', filters: [['has_done', ['contains', 'event:page', ['/blog/']]]] },
      results: [{ dimensions: [], metrics: [2, 3] }],
    },
    {
      name: 'has_not_done event:page filter', events: pages,
      query: { metrics: ['visitors', 'pageviews'], date_range: 'all', filters: [['has_not_done', ['contains', 'event:page', ['/blog/']]]] },
      results: [{ dimensions: [], metrics: [1, 1] }],
    },
    {
      name: 'has_done with complex event:props and event:name filters',
      events: [
        ev('Purchase', 1, '2021-01-01 00:00:00'), ev('Purchase', 1, '2021-01-01 00:10:00'), ev('Purchase', 1, '2021-01-01 00:20:00'),
        pv(2, '2021-01-01 00:00:00'), ev('Purchase', 2, '2021-01-01 00:10:00'),
        ev('Signup', 3, T0, { props: { paid: 'true' } }), pv(3), ev('Signup', 4, T0, { props: { paid: 'true' } }), pv(4),
        ev('Signup', 5, T0, { props: { paid: 'false' } }), pv(5),
      ],
      query: {
        metrics: ['visitors', 'pageviews'], date_range: 'all',
        filters: [['has_done', ['or', [['is', 'event:name', ['Purchase']], ['and', [['is', 'event:name', ['Signup']], ['is', 'event:props:paid', ['true']]]]]]]],
      },
      results: [{ dimensions: [], metrics: [4, 3] }],
    },
    {
      name: 'has_done event:goal filter', events: conversions, goals: [{ event_name: 'Conversion' }],
      query: { metrics: ['visitors', 'pageviews'], date_range: 'all', filters: [['has_done', ['is', 'event:goal', ['Conversion']]], ['is', 'event:name', ['pageview']]] },
      results: [{ dimensions: [], metrics: [2, 4] }],
    },
    {
      name: 'has_not_done event:goal filter', events: conversions, goals: [{ event_name: 'Conversion' }],
      query: { metrics: ['visitors', 'pageviews'], date_range: 'all', filters: [['has_not_done', ['is', 'event:goal', ['Conversion']]], ['is', 'event:name', ['pageview']]] },
      results: [{ dimensions: [], metrics: [1, 1] }],
    },
    {
      name: 'visit filters are not allowed with has_done/has_not_done filters', events: [],
      query: { metrics: ['visitors'], date_range: 'all', dimensions: ['visit:browser'], filters: [['has_done', ['is', 'visit:browser', ['Chrome']]]] },
      check: ({ status, json }) => {
        expect(status).toBe(400);
        expect(json.error).toContain('Invalid filters. Behavioral filters (has_done, has_not_done) can only be used with event dimension filters.');
      },
    },
  ]);
});

const usd = (value: number, long: string, short: string) => ({ currency: 'USD', long, short, value });
const eur100 = { currency: 'EUR', long: '€100.00', short: '€100.0', value: 100 };
const paid = (name: string, amount: number, currency: string): Ev => ({ name, at: T0, revenue: { amount, currency } });
/** Plausible's revenue setup: Purchase and Payment goals in USD, Subscription in EUR, Signup without revenue. */
const sales = [paid('Purchase', 100.3, 'USD'), paid('Payment', 40.3, 'USD'), paid('Payment', 60.6, 'USD'), paid('Subscription', 100, 'EUR'), { name: 'Signup', at: T0 }];
// Pulse's goals carry no currency: the revenue's currency is the one its events were sent in
const salesGoals = [{ event_name: 'Purchase' }, { event_name: 'Payment' }, { event_name: 'Subscription' }, { event_name: 'Signup' }];
const noRevenue = { code: 'no_revenue_goals_matching', warning: 'Revenue metrics are null as there are no matching revenue goals.' };
const mixed = { code: 'no_single_revenue_currency', warning: 'Revenue metrics are null as there are multiple currencies for the selected event:goals.' };
const noWarnings = ({ json }: { json: Record<string, any> }) => expect(json.meta).not.toHaveProperty('metric_warnings');

describe('query_test.exs: revenue metrics', () => {
  runCases([
    {
      name: 'not requested leads to no metric_warnings', events: [],
      query: { date_range: 'all', metrics: ['pageviews'] }, results: [{ dimensions: [], metrics: [0] }], check: noWarnings,
    },
    {
      name: 'no revenue goals configured', events: [{ name: 'Signup', at: T0 }], goals: [{ event_name: 'Signup' }],
      query: { date_range: 'all', metrics: ['average_revenue', 'total_revenue'], dimensions: ['event:goal'] },
      results: [{ dimensions: ['Signup'], metrics: [null, null] }],
      check: ({ json }) => expect(json.meta.metric_warnings).toEqual({ average_revenue: noRevenue, total_revenue: noRevenue }),
    },
    {
      // Plausible answers nulls with no_revenue_goals_matching; Pulse refuses the query (../README.md)
      name: 'not filtering or grouping by goals: a 400 naming the problem (Plausible: nulls and warnings)', events: [],
      query: { date_range: 'all', metrics: ['average_revenue', 'total_revenue'] },
      check: ({ status, json }) => {
        expect(status).toBe(400);
        expect(json).toEqual({ error: 'Metric `average_revenue` can only be queried with event:goal filters or dimensions.', code: 'invalid_query' });
      },
    },
    {
      name: 'filtering by revenue goals with same currency', events: sales, goals: salesGoals,
      query: { date_range: 'all', metrics: ['events', 'average_revenue', 'total_revenue'], filters: [['is', 'event:goal', ['Signup', 'Purchase', 'Payment']]] },
      results: [{ dimensions: [], metrics: [4, usd(67.066, '$67.07', '$67.1'), usd(201.2, '$201.20', '$201.2')] }],
      check: noWarnings,
    },
    {
      name: 'filtering by revenue goals with different currencies', events: sales, goals: salesGoals,
      query: { date_range: 'all', metrics: ['average_revenue', 'total_revenue'], filters: [['is', 'event:goal', ['Subscription', 'Payment']]] },
      results: [{ dimensions: [], metrics: [null, null] }],
      check: ({ json }) => expect(json.meta.metric_warnings).toEqual({ average_revenue: mixed, total_revenue: mixed }),
    },
    {
      name: 'breakdown by revenue goals', events: sales, goals: salesGoals,
      query: { date_range: 'all', metrics: ['average_revenue', 'total_revenue'], dimensions: ['event:goal'] },
      results: [
        { dimensions: ['Purchase'], metrics: [usd(100.3, '$100.30', '$100.3'), usd(100.3, '$100.30', '$100.3')] },
        { dimensions: ['Subscription'], metrics: [eur100, eur100] },
        { dimensions: ['Payment'], metrics: [usd(50.45, '$50.45', '$50.4'), usd(100.9, '$100.90', '$100.9')] },
        { dimensions: ['Signup'], metrics: [null, null] },
      ],
      check: noWarnings,
    },
    {
      name: 'breakdown by revenue goals + filtering', events: sales, goals: salesGoals,
      query: { date_range: 'all', metrics: ['average_revenue', 'total_revenue'], filters: [['is', 'event:goal', ['Signup', 'Purchase']]], dimensions: ['event:goal'] },
      results: [{ dimensions: ['Purchase'], metrics: [usd(100.3, '$100.30', '$100.3'), usd(100.3, '$100.30', '$100.3')] }, { dimensions: ['Signup'], metrics: [null, null] }],
      check: noWarnings,
    },
  ]);
});

const SIGNUPS = [['is', 'event:name', ['Signup']]];
describe('query_test.exs: segment filters', () => {
  runCases([
    {
      name: "site segments of other sites don't resolve", events: [],
      query: { filters: [['is', 'segment', ['placeholder']]], date_range: 'all', metrics: ['events'] },
      check: async (_answer, site) => {
        const other = await conformanceSite();
        const segment = await ok(call(`/api/v1/sites/${other.domain}/segments`, { token: adminToken(), body: { name: 'Segment of another site', scope: 'site', filters: [['is', 'event:page', ['/blog']]] } }), 201);
        const { status, json } = await site.query({ filters: [['is', 'segment', [segment.id]]], date_range: 'all', metrics: ['events'] });
        expect(status).toBe(400);
        expect(json.error).toBe("Invalid filters. Some segments don't exist or aren't accessible.");
      },
    },
    {
      name: 'even personal segments of other users of the same site resolve to filters',
      events: [{ name: 'Signup', at: T0 }, { name: 'Signup', user: 1231, at: T0 }, { name: 'Signup', user: 1231, at: T0 }, { name: 'AnyOtherEvent', at: T0 }],
      goals: [{ event_name: 'Signup' }],
      query: { date_range: 'all', metrics: ['events'] },
      check: async (_answer, site) => {
        // the admin's personal segment, read with the stats:read key of another principal
        const segment = await ok(call(`/api/v1/sites/${site.domain}/segments`, { token: adminToken(), body: { name: 'Signups', scope: 'personal', filters: SIGNUPS } }), 201);
        const { status, json } = await site.query({ filters: [['is', 'segment', [segment.id]]], date_range: 'all', metrics: ['events'] });
        expect(status, JSON.stringify(json)).toBe(200);
        expect(json.results).toEqual([{ dimensions: [], metrics: [3] }]);
      },
    },
  ]);
});
