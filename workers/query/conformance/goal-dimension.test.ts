/**
 * Plausible's query_goal_dimension_test.exs replayed through the Events API and
 * POST /api/v2/query. Not ported (../README.md): the page-scroll goal cases (Pulse's goals are
 * custom events and page visits; it has no scroll-threshold goals).
 */
import { describe } from 'vitest';
import { evs, runCases } from '../../../test/helpers/conformance';

const U = 4242;

describe('query_goal_dimension_test.exs: breakdown by event:goal', () => {
  runCases([
    {
      name: 'returns custom event goals and pageview goals',
      events: [{ at: '2021-01-01 00:00:01', path: '/test' }, { name: 'Purchase', at: '2021-01-01 00:00:03' }, { name: 'Purchase', at: '2021-01-01 00:00:03' }],
      goals: [{ event_name: 'Purchase' }, { page_path: '/test' }],
      query: { date_range: 'all', metrics: ['visitors'], dimensions: ['event:goal'] },
      results: [{ dimensions: ['Purchase'], metrics: [2] }, { dimensions: ['Visit /test'], metrics: [1] }],
    },
    {
      name: 'returns pageview goals containing wildcards',
      events: evs([{ path: '/blog', user: U }, { path: '/blog/post-1', user: U }, { path: '/blog/post-2', user: U }, { path: '/blog/something/post' }, { path: '/different/page/post' }]),
      goals: [{ page_path: '/**/post' }, { page_path: '/blog**' }],
      query: { date_range: 'all', metrics: ['visitors', 'pageviews'], dimensions: ['event:goal'], order_by: [['pageviews', 'desc']] },
      results: [{ dimensions: ['Visit /blog**'], metrics: [2, 4] }, { dimensions: ['Visit /**/post'], metrics: [2, 2] }],
    },
    {
      name: 'does not return goals that are not configured for the site',
      events: evs([{ path: '/register' }, { name: 'Signup' }]),
      query: { date_range: 'all', metrics: ['visitors', 'pageviews'], dimensions: ['event:goal'] },
      results: [],
    },
    {
      name: 'returns conversion_rate in an event:goal breakdown',
      events: evs([{ name: 'Signup', user: 1 }, { name: 'Signup', user: 1 }, { path: '/blog' }, { path: '/blog/post' }, {}]),
      goals: [{ event_name: 'Signup' }, { page_path: '/blog**' }],
      query: { date_range: 'all', metrics: ['visitors', 'events', 'conversion_rate'], dimensions: ['event:goal'] },
      results: [{ dimensions: ['Visit /blog**'], metrics: [2, 2, 50.0] }, { dimensions: ['Signup'], metrics: [1, 2, 25.0] }],
    },
    {
      name: 'returns conversion_rate alone in an event:goal breakdown',
      events: evs([{ name: 'Signup', user: 1 }, {}]),
      goals: [{ event_name: 'Signup' }],
      query: { date_range: 'all', metrics: ['conversion_rate'], dimensions: ['event:goal'] },
      results: [{ dimensions: ['Signup'], metrics: [50.0] }],
    },
  ]);
});
