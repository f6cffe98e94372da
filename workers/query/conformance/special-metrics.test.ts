/**
 * Plausible's query_special_metrics_test.exs replayed through the Events API and
 * POST /api/v2/query. Not ported (../README.md): `exit_rate` (a metric of Plausible's internal
 * endpoint only) and the percentage case with imported data (Pulse has no imports).
 */
import { describe } from 'vitest';
import { CHROME, IPHONE, evs, runCases } from '../../../test/helpers/conformance';

describe('query_special_metrics_test.exs', () => {
  runCases([
    {
      name: 'returns conversion_rate in a goal filtered custom prop breakdown',
      events: evs([
        { path: '/blog/1', props: { author: 'Uku' } }, { path: '/blog/2', props: { author: 'Uku' } }, { path: '/blog/3', props: { author: 'Uku' } },
        { path: '/blog/1', props: { author: 'Marko' } }, { path: '/blog/2', props: { author: 'Marko' }, user: 1 }, { path: '/blog/3', props: { author: 'Marko' }, user: 1 },
        { path: '/blog' }, { props: { author: 'Marko' } }, {},
      ]),
      goals: [{ page_path: '/blog**' }],
      query: { date_range: 'all', filters: [['is', 'event:goal', ['Visit /blog**']]], metrics: ['visitors', 'events', 'conversion_rate'], dimensions: ['event:props:author'] },
      results: [{ dimensions: ['Uku'], metrics: [3, 3, 37.5] }, { dimensions: ['Marko'], metrics: [2, 3, 25.0] }, { dimensions: ['(none)'], metrics: [1, 1, 12.5] }],
    },
    {
      name: 'returns conversion_rate alone in a goal filtered custom prop breakdown',
      events: evs([{ path: '/blog/1', props: { author: 'Uku' } }, {}]),
      goals: [{ page_path: '/blog**' }],
      query: { metrics: ['conversion_rate'], date_range: 'all', dimensions: ['event:props:author'], filters: [['is', 'event:goal', ['Visit /blog**']]] },
      results: [{ dimensions: ['Uku'], metrics: [50] }],
    },
    {
      name: 'returns conversion_rate in a goal filtered event:page breakdown',
      events: evs([
        { path: '/en/register' }, { path: '/en/register', name: 'Signup' }, { path: '/en/register', name: 'Signup' },
        { path: '/it/register', name: 'Signup', user: 1 }, { path: '/it/register', name: 'Signup', user: 1 }, { path: '/it/register' },
      ]),
      goals: [{ event_name: 'Signup' }],
      query: { date_range: 'all', dimensions: ['event:page'], filters: [['is', 'event:goal', ['Signup']]], metrics: ['visitors', 'events', 'group_conversion_rate'] },
      results: [{ dimensions: ['/en/register'], metrics: [2, 2, 66.67] }, { dimensions: ['/it/register'], metrics: [1, 2, 50.0] }],
    },
    {
      name: 'returns conversion_rate alone in a goal filtered event:page breakdown',
      events: evs([{ path: '/en/register' }, { path: '/en/register', name: 'Signup' }]),
      goals: [{ event_name: 'Signup' }],
      query: { date_range: 'all', filters: [['is', 'event:goal', ['Signup']]], metrics: ['group_conversion_rate'], dimensions: ['event:page'] },
      results: [{ dimensions: ['/en/register'], metrics: [50.0] }],
    },
    {
      name: 'returns conversion_rate in a multi-goal filtered visit:screen_size breakdown',
      events: evs([
        { ua: IPHONE }, { ua: IPHONE, name: 'AddToCart' }, { ua: IPHONE, name: 'AddToCart' },
        { ua: CHROME, name: 'AddToCart', user: 1 }, { ua: CHROME, name: 'Purchase', user: 1 }, { ua: CHROME },
      ]),
      goals: [{ event_name: 'Purchase' }, { event_name: 'AddToCart' }],
      query: { metrics: ['visitors', 'events', 'group_conversion_rate'], date_range: 'all', dimensions: ['visit:device'], filters: [['is', 'event:goal', ['AddToCart', 'Purchase']]] },
      results: [{ dimensions: ['Mobile'], metrics: [2, 2, 66.67] }, { dimensions: ['Desktop'], metrics: [1, 2, 50] }],
    },
    {
      name: 'returns conversion_rate alone in a goal filtered visit:screen_size breakdown',
      events: evs([{ ua: IPHONE }, { ua: IPHONE, name: 'AddToCart' }]),
      goals: [{ event_name: 'AddToCart' }],
      query: { metrics: ['conversion_rate'], date_range: 'all', dimensions: ['visit:device'], filters: [['is', 'event:goal', ['AddToCart']]] },
      results: [{ dimensions: ['Mobile'], metrics: [50] }],
    },
  ]);
});
