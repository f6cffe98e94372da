/**
 * Plausible's query_validations_test.exs through POST /api/v2/query: the same 400 messages.
 * Pulse's errors carry a `code` beside Plausible's `error` (the house error shape), so the cases
 * compare `error`. The "feature access" cases are not ported: Pulse has no plans that withhold
 * custom properties (../README.md).
 */
import { describe, expect } from 'vitest';
import { evs, runCases, type Case } from '../../../test/helpers/conformance';

const error = (name: string, query: Record<string, unknown>, message: string, match: 'exact' | 'contains' = 'exact', events: Case['events'] = []): Case => ({
  name, events, query,
  check: ({ status, json }) => {
    expect(status, JSON.stringify(json)).toBe(400);
    if (match === 'exact') expect(json.error).toBe(message);
    else expect(json.error).toContain(message);
  },
});

describe('query_validations_test.exs: param validation', () => {
  runCases([
    error('does not allow querying conversion_rate without a goal filter',
      { metrics: ['conversion_rate'], date_range: 'all', dimensions: ['event:page'], filters: [['is', 'event:props:author', ['Uku']]] },
      'Metric `conversion_rate` can only be queried with event:goal filters or dimensions.'),
    error('validates that dimensions are valid', { metrics: ['visitors'], date_range: 'all', dimensions: ['badproperty'] }, '#/dimensions/0: Invalid dimension "badproperty"'),
    error('empty custom property is invalid', { metrics: ['visitors'], date_range: 'all', dimensions: ['event:props:'] }, '#/dimensions/0: Invalid dimension "event:props:"'),
    error('validates that correct date range is used', { metrics: ['visitors'], date_range: 'bad_period', dimensions: ['event:name'] }, '#/date_range: Invalid date range "bad_period"'),
    error('fails when an invalid metric is provided', { metrics: ['visitors', 'baa'], date_range: 'all', dimensions: ['event:name'] }, '#/metrics/1: Invalid metric "baa"'),
    error('session metrics cannot be used with event:name dimension', { metrics: ['visitors', 'bounce_rate'], date_range: 'all', dimensions: ['event:name'] },
      'Session metric(s) `bounce_rate` cannot be queried along with event dimension(s) `event:name`', 'contains'),
    error('session metrics cannot be used with event:props:* dimension', { metrics: ['visitors', 'bounce_rate'], date_range: 'all', dimensions: ['event:props:url'] },
      'Session metric(s) `bounce_rate` cannot be queried along with event dimension(s) `event:props:url`', 'contains'),
    error('validates that metric views_per_visit cannot be used with event:page filter', { date_range: 'all', metrics: ['views_per_visit'], filters: [['is', 'event:page', ['/something']]] },
      'Metric `views_per_visit` cannot be queried with a filter on `event:page`.'),
    error('validates that metric views_per_visit cannot be used together with dimensions', { date_range: 'all', metrics: ['views_per_visit'], dimensions: ['event:name'] },
      'Metric `views_per_visit` cannot be queried with `dimensions`.'),
    error("validates a metric can't be asked multiple times", { date_range: 'all', metrics: ['views_per_visit', 'visitors', 'visitors'] }, '#/metrics: Expected items to be unique but they were not.'),
    error('handles filtering by visit:country with invalid country code', { date_range: 'all', metrics: ['pageviews'], filters: [['is', 'visit:country', ['USA']]] },
      'Invalid visit:country filter, visit:country needs to be a valid 2-letter country code.', 'exact', evs([{ country: 'EE' }, { country: 'EE' }, { country: 'IT' }, { country: 'DE' }])),
  ]);
});
