/**
 * Plausible's query_test.exs (test/plausible_web/controllers/api/external_stats_controller/),
 * replayed through the Events API and POST /api/v2/query (test/helpers/conformance.ts). Each case
 * keeps Plausible's name, events and expected JSON; cases not ported are listed in ../README.md.
 */
import { describe, expect, it } from 'vitest';
import { conformanceSite, FIREFOX, SAFARI, type Ev } from '../../../test/helpers/conformance';

const U = 1231; // Plausible's @user_id

/** The three pageviews most of query_test.exs starts from: one user twice 25 minutes apart, one anonymous. */
function twoVisits(first: Partial<Ev> = {}): Ev[] {
  return [
    { user: U, at: '2021-01-01 00:00:00', ...first },
    { user: U, at: '2021-01-01 00:25:00' },
    { at: '2021-01-01 00:00:00' },
  ];
}

describe('query_test.exs: aggregates', () => {
  it('aggregates a single metric', async () => {
    const site = await conformanceSite();
    await site.populate(twoVisits());
    expect(await site.results({ metrics: ['pageviews'], date_range: 'all' })).toEqual([{ metrics: [3], dimensions: [] }]);
  });

  it('aggregate views_per_visit rounds to two decimal places', async () => {
    const site = await conformanceSite();
    await site.populate([...twoVisits(), { user: 456, at: '2021-01-01 00:00:00' }, { user: 456, at: '2021-01-01 00:25:00' }]);
    expect(await site.results({ metrics: ['views_per_visit'], date_range: 'all' })).toEqual([{ metrics: [1.67], dimensions: [] }]);
  });

  it('aggregates all metrics in a single query', async () => {
    const site = await conformanceSite();
    await site.populate(twoVisits());
    expect(await site.results({ metrics: ['pageviews', 'visits', 'views_per_visit', 'visitors', 'bounce_rate', 'visit_duration'], date_range: 'all' }))
      .toEqual([{ metrics: [3, 2, 1.5, 2, 50, 750], dimensions: [] }]);
  });
});
