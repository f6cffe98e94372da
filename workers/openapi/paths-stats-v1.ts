/**
 * OpenAPI paths of Plausible's legacy Stats API v1 (workers/stats-v1/), served for integrations
 * written against it. Same keys (stats:read) and rate limits as /api/v2/query.
 */
import { json, operation, queryParam, type Json } from './helpers';

const READ = 'Needs stats:read for `site_id`: an API key for the site, a session with any role, a share token (`?auth=`), or nothing on a public site. Errors are 400 `{"error": "<Plausible\'s message>", "code"}`.';
const value = { oneOf: [{ type: 'number' }, { type: 'null' }] };

const common: Json[] = [
  { ...queryParam('site_id', 'The site (its domain)'), required: true },
  queryParam('period', 'day, 7d (to `date`), 30d (the 30 days before `date` and `date`; the default), month, 6mo, 12mo, or custom', { type: 'string', enum: ['day', '7d', '30d', 'month', '6mo', '12mo', 'custom'] }),
  queryParam('date', 'YYYY-MM-DD the period ends on (default today in the site\'s zone); for custom, two dates joined by a comma'),
  queryParam('filters', 'v1 filter expression: `event:goal==Signup;visit:country==DE|FR`; operators ==, !=, ~ (contains), !~; `*` and `**` wildcards; `\\|` a literal pipe'),
];
const metricsParam = queryParam('metrics', 'Comma-separated: visitors (default), visits, pageviews, views_per_visit, bounce_rate, visit_duration, events, conversion_rate, time_on_page');
const compareParam = queryParam('compare', 'previous_period: add the comparison and change', { type: 'string', enum: ['previous_period'] });

export const statsV1Paths: Record<string, Json> = {
  '/api/v1/stats/realtime/visitors': {
    get: operation({
      summary: 'Current visitors (v1): a bare integer',
      description: `${READ} Distinct visitors whose last event arrived under 5 minutes ago.`,
      tags: ['stats-v1'],
      parameters: [common[0]!],
      ok: { 200: json({ type: 'integer', minimum: 0 }) },
      errors: [400, 401, 403, 404, 429],
    }),
  },
  '/api/v1/stats/aggregate': {
    get: operation({
      summary: 'Aggregate (v1): `{"results": {"visitors": {"value": 3, "comparison_value"?, "change"?}}}`',
      description: `${READ} bounce_rate and visit_duration are whole numbers; change is in percent, or points for rates.`,
      tags: ['stats-v1'],
      parameters: [...common, metricsParam, compareParam],
      ok: {
        200: json({
          type: 'object',
          properties: { results: { type: 'object', additionalProperties: { type: 'object', properties: { value, comparison_value: value, change: value } } } },
        }),
      },
      errors: [400, 401, 403, 404, 429],
    }),
  },
  '/api/v1/stats/timeseries': {
    get: operation({
      summary: 'Timeseries (v1): `{"results": [{"date": "2024-01-15", "visitors": 3}]}`, empty buckets as zeros',
      description: `${READ} Hours (\`2024-01-15 10:00:00\`) for period=day, months for 6mo and 12mo, days otherwise, unless \`interval\` says.`,
      tags: ['stats-v1'],
      parameters: [...common, metricsParam, queryParam('interval', 'date (or day), or month', { type: 'string', enum: ['date', 'day', 'month'] })],
      ok: { 200: json({ type: 'object', properties: { results: { type: 'array', items: { type: 'object', properties: { date: { type: 'string' } }, additionalProperties: value } } } }) },
      errors: [400, 401, 403, 404, 429],
    }),
  },
  '/api/v1/stats/breakdown': {
    get: operation({
      summary: 'Breakdown (v1): `{"results": [{"page": "/", "visitors": 2}]}`',
      description: `${READ} Rows keyed by the property without its prefix (\`event:props:author\` → \`author\`; browser and OS versions come with the browser or OS); ordered by the first metric, then the value; blank UTM, geo, entry and exit values left out, as Plausible.`,
      tags: ['stats-v1'],
      parameters: [
        ...common,
        { ...queryParam('property', 'What to break down by: event:page, event:name, event:goal, event:props:<key>, visit:source, visit:country, …'), required: true },
        metricsParam,
        queryParam('limit', '1–1000 (default 100)', { type: 'integer', minimum: 1, maximum: 1000 }),
        queryParam('page', 'From 1', { type: 'integer', minimum: 1 }),
        compareParam,
      ],
      ok: { 200: json({ type: 'object', properties: { results: { type: 'array', items: { type: 'object' } } } }) },
      errors: [400, 401, 403, 404, 429],
    }),
  },
};
