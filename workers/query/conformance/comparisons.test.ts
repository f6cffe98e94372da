/**
 * Plausible's query_comparisons_test.exs replayed through the Events API and POST /api/v2/query.
 * Plausible's tests post to its internal endpoint with a `date` (its "today"); the public API has
 * no `date`, so a relative range is written as the dates it stands for, or measured from the real
 * today. The case with imported data is not ported (Pulse has no imports; ../README.md).
 */
import { describe, expect } from 'vitest';
import { CHROME, FIREFOX, SAFARI, runCases } from '../../../test/helpers/conformance';

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

describe('query_comparisons_test.exs', () => {
  runCases([
    {
      name: 'aggregates a single metric',
      events: ['2021-01-01 00:00:00', '2021-01-01 00:25:00', '2021-01-02 00:00:00', '2021-01-07 00:00:00'].map((at) => ({ at })),
      query: { metrics: ['pageviews'], date_range: ['2021-01-07', '2021-01-13'], include: { comparisons: { mode: 'previous_period' } } },
      results: [{ dimensions: [], metrics: [1], comparison: { change: [-67], dimensions: [], metrics: [3] } }],
    },
    {
      name: 'timeseries comparison',
      events: ['2021-01-01 00:00:00', '2021-01-01 00:25:00', '2021-01-06 00:00:00', '2021-01-07 00:00:00', '2021-01-08 00:00:00'].map((at) => ({ at })),
      query: { metrics: ['pageviews'], date_range: ['2021-01-07', '2021-01-13'], dimensions: ['time:day'], include: { comparisons: { mode: 'previous_period' } } },
      results: [
        { dimensions: ['2021-01-07'], metrics: [1], comparison: { dimensions: ['2020-12-31'], metrics: [0], change: [100] } },
        { dimensions: ['2021-01-08'], metrics: [1], comparison: { dimensions: ['2021-01-01'], metrics: [2], change: [-50] } },
        { dimensions: ['2021-01-09'], metrics: [0], comparison: { dimensions: ['2021-01-02'], metrics: [0], change: [0] } },
        { dimensions: ['2021-01-10'], metrics: [0], comparison: { dimensions: ['2021-01-03'], metrics: [0], change: [0] } },
        { dimensions: ['2021-01-11'], metrics: [0], comparison: { dimensions: ['2021-01-04'], metrics: [0], change: [0] } },
        { dimensions: ['2021-01-12'], metrics: [0], comparison: { dimensions: ['2021-01-05'], metrics: [0], change: [0] } },
        { dimensions: ['2021-01-13'], metrics: [0], comparison: { dimensions: ['2021-01-06'], metrics: [1], change: [-100] } },
      ],
    },
    {
      name: 'timeseries last 28d period compares the same period with and without match_day_of_week=true (today: the real one)',
      events: [],
      query: { metrics: ['visitors'], date_range: '28d', dimensions: ['time'], include: { time_labels: true, comparisons: { mode: 'previous_period', match_day_of_week: false } } },
      check: async ({ status, json }, site) => {
        expect(status).toBe(200);
        const matched = await site.results({ metrics: ['visitors'], date_range: '28d', dimensions: ['time'], include: { time_labels: true, comparisons: { mode: 'previous_period', match_day_of_week: true } } });
        expect(matched).toEqual(json.results);
        const results = json.results as { dimensions: string[]; comparison: { dimensions: string[] } }[];
        expect([results[0]!.dimensions[0], results[0]!.comparison.dimensions[0]]).toEqual([day(-28), day(-56)]);
        expect([results.at(-1)!.dimensions[0], results.at(-1)!.comparison.dimensions[0]]).toEqual([day(-1), day(-29)]);
      },
    },
    {
      name: 'timeseries last 91d period in year_over_year comparison (91d before 2022-07-01 written as its dates)',
      events: ['2021-04-01', '2021-04-01', '2021-04-05', '2021-04-05', '2021-06-30', '2022-04-01', '2022-04-05', '2022-06-30', '2022-07-01'].map((d) => ({ at: `${d} 00:00:00` })),
      query: { metrics: ['visitors'], date_range: ['2022-04-01', '2022-06-30'], dimensions: ['time:day'], include: { time_labels: true, comparisons: { mode: 'year_over_year' } } },
      check: ({ status, json }) => {
        expect(status).toBe(200);
        const labels = json.meta.time_labels as string[];
        expect([labels[0], labels[4], labels.at(-1)]).toEqual(['2022-04-01', '2022-04-05', '2022-06-30']);
        const row = (d: string) => (json.results as { dimensions: string[] }[]).find((r) => r.dimensions[0] === d);
        expect(row('2022-04-01')).toMatchObject({ metrics: [1], comparison: { dimensions: ['2021-04-01'], metrics: [2] } });
        expect(row('2022-04-05')).toMatchObject({ metrics: [1], comparison: { dimensions: ['2021-04-05'], metrics: [2] } });
        expect(row('2022-06-30')).toMatchObject({ metrics: [1], comparison: { dimensions: ['2021-06-30'], metrics: [1] } });
      },
    },
    ...[
      [{ limit: 2 }, [
        { dimensions: ['Chrome'], metrics: [3, 50.0], comparison: { dimensions: ['Chrome'], metrics: [1, 12.5], change: [200, 300] } },
        { dimensions: ['Firefox'], metrics: [2, 33.3], comparison: { dimensions: ['Firefox'], metrics: [4, 50.0], change: [-50, -33] } },
      ]],
      [{ limit: 2, offset: 2 }, [
        { dimensions: ['Safari'], metrics: [1, 16.7], comparison: { dimensions: ['Safari'], metrics: [3, 37.5], change: [-67, -55] } },
      ]],
    ].map(([pagination, results]) => ({
      name: `dimensional comparison with low limit (${JSON.stringify(pagination)})`,
      events: [
        ...[FIREFOX, FIREFOX, FIREFOX, FIREFOX, SAFARI, SAFARI, SAFARI, CHROME].map((ua) => ({ ua, at: '2021-01-01 00:00:00' })),
        ...[CHROME, CHROME, CHROME, FIREFOX, FIREFOX].map((ua) => ({ ua, at: '2021-01-07 00:00:00' })),
        { ua: SAFARI, at: '2021-01-08 00:00:00' },
      ],
      query: { metrics: ['visitors', 'percentage'], date_range: ['2021-01-07', '2021-01-13'], dimensions: ['visit:browser'], include: { comparisons: { mode: 'previous_period' } }, pagination },
      results: results as unknown[],
    })),
  ]);
});
