/**
 * The corners DESIGN §4 names, hand-computed, through the Events API and POST /api/v2/query: the
 * numbers Plausible's semantics give where the common cases do not reach.
 */
import { describe, expect } from 'vitest';
import { CHROME, FIREFOX, SAFARI, evs, runCases } from '../../../test/helpers/conformance';

const U = 77;

describe('corners: has_done / has_not_done keep sessions, not visitors', () => {
  // user 77: visit A (00:00 "/", Signup) and, after 5 idle hours, visit B (05:00 "/other"); one anonymous visit
  const events = [
    { user: U, at: '2021-01-01 00:00:00' }, { user: U, name: 'Signup', at: '2021-01-01 00:01:00' },
    { user: U, path: '/other', at: '2021-01-01 05:00:00' }, { at: '2021-01-01 06:00:00' },
  ];
  runCases([
    // visit A only: 1 visit, 1 pageview, 2 events (a visitor-level filter would also keep visit B: 2 visits, 2 pageviews)
    { name: 'has_done', events, goals: [{ event_name: 'Signup' }], query: { date_range: 'all', metrics: ['visitors', 'visits', 'pageviews', 'events'], filters: [['has_done', ['is', 'event:goal', ['Signup']]]] }, results: [{ metrics: [1, 1, 1, 2], dimensions: [] }] },
    // visit B and the anonymous visit: 2 visitors, 2 visits, 2 pageviews (visitor-level would drop user 77 entirely: 1, 1, 1)
    { name: 'has_not_done', events, goals: [{ event_name: 'Signup' }], query: { date_range: 'all', metrics: ['visitors', 'visits', 'pageviews'], filters: [['has_not_done', ['is', 'event:goal', ['Signup']]]] }, results: [{ metrics: [2, 2, 2], dimensions: [] }] },
    // by page under has_done: only visit A's page
    { name: 'has_done by page', events, goals: [{ event_name: 'Signup' }], query: { date_range: 'all', metrics: ['visits'], dimensions: ['event:page'], filters: [['has_done', ['is', 'event:name', ['Signup']]]] }, results: [{ dimensions: ['/'], metrics: [1] }] },
  ]);
});

describe('corners: custom properties under negated operators (Plausible WhereBuilder)', () => {
  // Plausible's "returns top browsers with :is_not filter on custom pageview props" (stats_controller browsers_test.exs)
  const events = evs([
    { user: 123, ua: CHROME, props: { author: 'John Doe' } }, { user: 123, ua: CHROME, props: { author: 'John Doe' } },
    { ua: FIREFOX, props: { author: 'other' } }, { ua: SAFARI },
  ]);
  const browsers = (filter: unknown[]) => ({ date_range: 'all', metrics: ['visitors', 'percentage'], dimensions: ['visit:browser'], filters: [filter], order_by: [['visit:browser', 'asc']] });
  runCases([
    // is_not counts an event without the key as "(none)": Safari's pageview matches
    { name: 'is_not: events without the key match', events, query: browsers(['is_not', 'event:props:author', ['John Doe']]), results: [{ dimensions: ['Firefox'], metrics: [1, 50.0] }, { dimensions: ['Safari'], metrics: [1, 50.0] }] },
    // ... unless "(none)" is among the values
    { name: 'is_not with (none): only events that carry the key', events, query: browsers(['is_not', 'event:props:author', ['John Doe', '(none)']]), results: [{ dimensions: ['Firefox'], metrics: [1, 100.0] }] },
    // contains_not and matches_not need the key: Safari's pageview never matches
    { name: 'contains_not: only events that carry the key', events, query: browsers(['contains_not', 'event:props:author', ['John']]), results: [{ dimensions: ['Firefox'], metrics: [1, 100.0] }] },
    { name: 'matches_not: only events that carry the key', events, query: browsers(['matches_not', 'event:props:author', ['^John']]), results: [{ dimensions: ['Firefox'], metrics: [1, 100.0] }] },
    // and a `not` around contains inverts it exactly: Chrome (John Doe) is out, Firefox and Safari are in
    { name: 'not contains: events without the key match', events, query: browsers(['not', ['contains', 'event:props:author', ['John']]]), results: [{ dimensions: ['Firefox'], metrics: [1, 50.0] }, { dimensions: ['Safari'], metrics: [1, 50.0] }] },
    // "(none)" is not a value `contains` can find
    { name: 'contains never matches a missing key', events, query: browsers(['contains', 'event:props:author', ['none']]), results: [] },
  ]);
});

describe('corners: pages', () => {
  // visit 1 (user 5): "/" 00:00, "/pricing" 00:01, "/" 00:03 (180 s); visit 2: "/pricing" alone (bounce); visit 3: "/" alone (bounce)
  const events = [
    { user: 5, at: '2021-01-01 00:00:00' }, { user: 5, path: '/pricing', at: '2021-01-01 00:01:00' }, { user: 5, at: '2021-01-01 00:03:00' },
    { path: '/pricing', at: '2021-01-01 01:00:00' }, { at: '2021-01-01 02:00:00' },
  ];
  runCases([
    {
      // viewed "/": visits 1 and 3 (2 visits); entered on "/": visits 1 and 3, one bounce = 50 %, (180 + 0) / 2 = 90 s
      // viewed "/pricing": visits 1 and 2 (2 visits); entered on "/pricing": visit 2 only, bounced = 100 %, 0 s
      name: 'by page: visits that viewed it, bounce rate and duration of those that entered on it', events,
      query: { date_range: 'all', metrics: ['visits', 'pageviews', 'bounce_rate', 'visit_duration'], dimensions: ['event:page'] },
      results: [{ dimensions: ['/'], metrics: [2, 3, 50, 90] }, { dimensions: ['/pricing'], metrics: [2, 2, 100, 0] }],
    },
    {
      // the same page as a filter: bounce rate still of visit 2 (entered there), but duration over
      // both viewers (visits 1 and 2: (180 + 0) / 2 = 90 s), as Plausible's "can filter by page"
      name: 'a page filter: duration over every viewer, bounce rate over those that entered', events,
      query: { date_range: 'all', metrics: ['visits', 'pageviews', 'bounce_rate', 'visit_duration'], filters: [['is', 'event:page', ['/pricing']]] },
      results: [{ dimensions: [], metrics: [2, 2, 100, 90] }],
    },
    {
      // page filter and page dimension: Plausible renames the filter to visit:entry_page on the
      // sessions side, so the row's session metrics are still those of the sessions that entered on it
      name: 'by page under a page filter: the same row as without it', events,
      query: { date_range: 'all', metrics: ['visits', 'bounce_rate', 'visit_duration'], dimensions: ['event:page'], filters: [['is', 'event:page', ['/pricing']]] },
      results: [{ dimensions: ['/pricing'], metrics: [2, 100, 0] }],
    },
    {
      // a time dimension beside the page: one day, so the same rows: "/" entered by visits 1 and 3
      // (90 s), "/pricing" by visit 2 (0 s)
      name: 'by page and day: duration of the sessions that entered on the page', events,
      query: { date_range: 'all', metrics: ['visit_duration'], dimensions: ['time:day', 'event:page'] },
      results: [{ dimensions: ['2021-01-01', '/'], metrics: [90] }, { dimensions: ['2021-01-01', '/pricing'], metrics: [0] }],
    },
  ]);
});

describe('corners: meta for imports and revenue warnings', () => {
  runCases([
    {
      name: 'include.imports: no imported data, as Plausible says of a site without imports', events: evs([{}]),
      query: { date_range: 'all', metrics: ['visitors'], include: { imports: true } },
      check: ({ status, json }) => {
        expect(status).toBe(200);
        expect(json.meta).toEqual({ imports_included: false, imports_skip_reason: 'no_imported_data' });
        expect(json.query.include).toMatchObject({ imports: true });
      },
    },
    {
      name: 'revenue in two currencies: null with no_single_revenue_currency',
      events: evs([{ name: 'Purchase', revenue: { amount: 10, currency: 'EUR' } }, { name: 'Purchase', revenue: { amount: 5, currency: 'USD' } }]),
      goals: [{ event_name: 'Purchase' }],
      query: { date_range: 'all', metrics: ['visitors', 'total_revenue'], filters: [['is', 'event:goal', ['Purchase']]] },
      check: ({ json }) => {
        expect(json.results).toEqual([{ dimensions: [], metrics: [2, null] }]);
        expect(json.meta.metric_warnings).toEqual({ total_revenue: { code: 'no_single_revenue_currency', warning: 'Revenue metrics are null as there are multiple currencies for the selected event:goals.' } });
      },
    },
    {
      name: 'no revenue at all: null with no_revenue_goals_matching',
      events: evs([{ name: 'Signup' }]),
      goals: [{ event_name: 'Signup' }],
      query: { date_range: 'all', metrics: ['visitors', 'average_revenue'], filters: [['is', 'event:goal', ['Signup']]] },
      check: ({ json }) => {
        expect(json.results).toEqual([{ dimensions: [], metrics: [1, null] }]);
        expect(json.meta.metric_warnings).toEqual({ average_revenue: { code: 'no_revenue_goals_matching', warning: 'Revenue metrics are null as there are no matching revenue goals.' } });
      },
    },
    {
      name: 'revenue in one currency: no warning',
      events: evs([{ name: 'Purchase', revenue: { amount: 10, currency: 'EUR' } }]),
      goals: [{ event_name: 'Purchase' }],
      query: { date_range: 'all', metrics: ['total_revenue'], filters: [['is', 'event:goal', ['Purchase']]] },
      check: ({ json }) => {
        expect(json.results[0].metrics[0]).toMatchObject({ value: 10, currency: 'EUR' });
        expect(json.meta.metric_warnings).toBeUndefined();
      },
    },
  ]);
});
