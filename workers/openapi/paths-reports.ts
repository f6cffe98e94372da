/** OpenAPI paths of the behaviour reports (DESIGN §4a, workers/reports/): funnels, retention, journeys. */
import { json, operation, pathParam, queryParam, SITE, type Json } from './helpers';

const READ = 'Needs stats:read: an API key for the site, a session with any role, a share token (`?auth=`), or nothing on a public site.';
const count = { type: 'integer', minimum: 0 };
const pct = { type: 'number', minimum: 0, maximum: 100, description: 'percent, 1 decimal' };
const dateRange = { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 2, description: 'local ISO instants, first and last' };
const RANGE_PARAMS = [
  queryParam('period', 'A Stats API date range: day, 7d, 28d, 30d (default), 91d, month, 6mo, 12mo, year, all'),
  queryParam('date', 'Two local dates, "YYYY-MM-DD,YYYY-MM-DD" (instead of period)'),
  queryParam('filters', 'JSON array of Stats API v2 filters on visit dimensions (source, country, device, UTM, …)'),
  queryParam('auth', 'Share link token (read only)'),
];
const STEP = {
  description: 'A goal id of the site, or an event filter like a sequence step: ["is", "event:page", ["/pricing"]], ["and", [...]], ["or", [...]]',
  oneOf: [{ type: 'string' }, { type: 'array' }],
};
const WINDOW = { type: 'string', enum: ['session', '24h', '7d'], default: 'session', description: '24h / 7d follow identified visitors across sessions; anonymous visitors only within one' };
const funnelAnswer = {
  type: 'object',
  required: ['funnel', 'steps', 'meta'],
  properties: {
    funnel: { type: 'object', properties: { id: { type: ['string', 'null'] }, name: { type: 'string' } } },
    steps: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'visitors', 'conversion_rate', 'step_conversion_rate', 'dropoff', 'median_seconds'],
        properties: {
          name: { type: 'string' },
          visitors: { ...count, description: 'visitors who reached the step (steps 1…k in order)' },
          conversion_rate: { ...pct, description: '% of step 1, 1 decimal' },
          step_conversion_rate: { ...pct, description: '% of the previous step, 1 decimal' },
          dropoff: { ...count, description: 'visitors lost since the previous step' },
          median_seconds: { type: ['integer', 'null'], description: 'median seconds from the previous step (null on step 1)' },
        },
      },
    },
    meta: {
      type: 'object',
      properties: {
        date_range: dateRange, window: WINDOW, note: { type: 'string' },
        plan: { enum: ['pre-aggregated', 'raw'], description: "pre-aggregated: a stored funnel's daily rows (session window, no filters); raw: the range's events" },
        median_error_bound: { type: 'number', description: 'pre-aggregated only: medians are within this share of the exact ones (log-spaced histograms)' },
      },
    },
  },
};

export const reportPaths: Record<string, Json> = {
  '/api/v1/sites/{site}/funnels/{id}': {
    parameters: [SITE, pathParam('id', 'Funnel id (from GET …/funnels)')],
    get: operation({
      summary: 'A stored funnel over a date range: visitors per step, conversion, drop-off, median time',
      description: `${READ} In-order matching with other events allowed between steps; one event advances one step. Served from raw events, bounded: a range of more than 500k events is 400 \`query_too_large\`.`,
      tags: ['reports'],
      parameters: [...RANGE_PARAMS, queryParam('window', 'session (default), 24h or 7d', WINDOW)],
      ok: { 200: json(funnelAnswer) },
      errors: [400, 401, 403, 404, 429],
    }),
  },
  '/api/v1/sites/{site}/funnels/query': {
    parameters: [SITE],
    post: operation({
      summary: 'An ad-hoc funnel: 2–8 steps (goal ids or event filters)',
      description: `${READ} No repeated step; goal ids must be goals of this site.`,
      tags: ['reports'],
      body: {
        type: 'object',
        required: ['steps'],
        properties: {
          steps: { type: 'array', minItems: 2, maxItems: 8, items: STEP },
          date_range: { description: 'as in /api/v2/query; default 30d', oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 2 }] },
          filters: { type: 'array', items: {}, description: 'Stats API v2 filters on visit dimensions' },
          window: WINDOW,
          name: { type: 'string', maxLength: 120 },
        },
      },
      ok: { 200: json(funnelAnswer) },
      errors: [400, 401, 403, 404, 413, 429],
    }),
  },
  '/api/v1/sites/{site}/retention': {
    parameters: [SITE],
    get: operation({
      summary: 'Cohorts of identified visitors by first-seen day, week (Monday) or month, and who came back',
      description: `${READ} Anonymous visitors get a new id every day and cannot be followed; only identified visitors (uid, or the SDK's consented persistent id) are counted, and \`meta.note\` says so. The range widens to whole intervals; filters apply to each visitor's first session. Default range: the last 30 days, 12 weeks or 12 months.`,
      tags: ['reports'],
      parameters: [queryParam('interval', 'day, week (default) or month', { type: 'string', enum: ['day', 'week', 'month'] }), ...RANGE_PARAMS],
      ok: {
        200: json({
          type: 'object',
          properties: {
            cohorts: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  cohort: { type: 'string', format: 'date', description: 'first day of the interval' },
                  visitors: count,
                  retained: { type: 'array', items: count, description: 'retained[k]: members active k intervals after their first' },
                  percent: { type: 'array', items: pct },
                },
              },
            },
            meta: {
              type: 'object',
              properties: {
                interval: { type: 'string' },
                date_range: dateRange,
                note: { type: 'string' },
                plan: { type: 'string', enum: ['pre-aggregated', 'raw'], description: 'pre-aggregated once the five-minute refresh has counted the site (it trails by that run); raw sessions before' },
              },
            },
          },
        }),
      },
      errors: [400, 401, 403, 404, 429],
    }),
  },
  '/api/v1/sites/{site}/journeys': {
    parameters: [SITE],
    get: operation({
      summary: 'Most common page paths through sessions, and page-to-page transitions (a Sankey)',
      description: `${READ} From the entry page, or from the first view of \`start\`; consecutive repeats collapsed; \`(exit)\` where the session ends. Sessions whose first pageview is in the range; anonymous visitors are daily uniques summed over the range.`,
      tags: ['reports'],
      parameters: [
        queryParam('start', 'Start page path, e.g. /pricing'),
        queryParam('steps', 'Positions per path, 2–10 (default 5), `(exit)` included', { type: 'integer', minimum: 2, maximum: 10 }),
        queryParam('limit', 'Paths listed, 1–100 (default 20)', { type: 'integer', minimum: 1, maximum: 100 }),
        ...RANGE_PARAMS,
      ],
      ok: {
        200: json({
          type: 'object',
          properties: {
            paths: { type: 'array', items: { type: 'object', properties: { pages: { type: 'array', items: { type: 'string' } }, sessions: count, visitors: count } } },
            transitions: { type: 'array', items: { type: 'object', properties: { step: { type: 'integer', minimum: 1 }, from: { type: 'string' }, to: { type: 'string' }, sessions: count } } },
            meta: {
              type: 'object',
              properties: {
                date_range: dateRange, start: { type: ['string', 'null'] }, steps: { type: 'integer' }, sessions: count,
                plan: { type: 'string', enum: ['pre-aggregated', 'raw'], description: 'pre-aggregated: from the entry page without filters (daily path prefixes); raw: a start page or filters (bounded scan of the pageviews)' },
              },
            },
          },
        }),
      },
      errors: [400, 401, 403, 404, 429],
    }),
  },
};
