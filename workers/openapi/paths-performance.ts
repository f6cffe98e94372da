/** OpenAPI paths of the vitals and errors reports (DESIGN §4a; workers/reports/). */
import { json, operation, pathParam, queryParam, SITE, type Json } from './helpers';

const READ = 'Needs stats:read: an API key for the site, a session with any role, a share token (`?auth=`), or nothing on a public site.';
const RANGE = [
  queryParam('period', '7d, 28d, 30d (default), 91d, day, month, 6mo, 12mo, year, or custom with `date`'),
  queryParam('date', 'Two local dates, `YYYY-MM-DD,YYYY-MM-DD` (or one with period=day)'),
];
const count = { type: 'integer', minimum: 0 };
const pct = { type: 'number', minimum: 0, maximum: 100, description: 'percent of the rated samples, 1 decimal' };
const metric = {
  type: 'object',
  properties: { p75: { type: ['number', 'null'] }, samples: count, good: pct, needs_improvement: pct, poor: pct },
};
const vitalsRow = {
  type: 'object',
  properties: {
    dimension: { type: 'string', description: 'the row’s page, device, browser or country (absent in totals)' },
    samples: { ...count, description: 'samples of the row’s most-measured metric (≈ measured page views)' },
    LCP: metric, INP: metric, CLS: metric, FCP: metric, TTFB: metric,
    page_load: {
      type: 'object',
      description: 'navigation timing p75 in ms (SDK metrics TTFB, FP = first paint, DOM = DOM complete)',
      properties: { ttfb: { type: ['number', 'null'] }, first_paint: { type: ['number', 'null'] }, dom_complete: { type: ['number', 'null'] } },
    },
  },
};
const ranked = (key: string) => ({ type: 'array', maxItems: 5, items: { type: 'object', properties: { [key]: { type: 'string' }, events: count, visitors: count } } });
const group = {
  type: 'object',
  properties: {
    fingerprint: { type: 'string', pattern: '^[0-9a-f]{16}$' },
    message: { type: ['string', 'null'] }, source: { type: ['string', 'null'] }, line: { type: ['integer', 'null'] },
    events: count, visitors: { ...count, description: 'daily distinct visitors, summed over the days' },
    first_seen: { type: 'string', format: 'date-time' }, last_seen: { type: 'string', format: 'date-time' },
    pages: ranked('page'), browsers: ranked('browser'),
  },
};

export const performancePaths: Record<string, Json> = {
  '/api/v1/sites/{site}/vitals': {
    parameters: [SITE],
    get: operation({
      summary: 'Core Web Vitals and page load times: p75 and good / needs improvement / poor shares',
      description: `${READ} p75 by nearest rank (as \`lcp_p75\`… in /api/v2/query); web.dev thresholds LCP 2500/4000 ms, INP 200/500 ms, CLS 0.1/0.25, FCP 1800/3000 ms, TTFB 800/1800 ms. Exact from raw samples when the range holds few (\`meta.method\` = exact); else from daily log-spaced histograms, p75 within \`meta.error_bound\` (2.5%) and shares exact. Filters are applied to raw samples, up to 1M events scanned (400 query_too_large past it).`,
      tags: ['reports'],
      parameters: [
        ...RANGE,
        queryParam('dimension', 'Break down by event:page, visit:device, visit:browser or visit:country', { type: 'string', enum: ['event:page', 'visit:device', 'visit:browser', 'visit:country'] }),
        queryParam('filters', 'Stats API v2 filters (JSON) on the page and visit dimensions; is, is_not, contains, contains_not, and, or, not'),
        queryParam('include', '`timeseries` for daily p75 of the site'),
        queryParam('limit', 'Rows, 1–1000 (default 20), most measurements (samples of all metrics) first', { type: 'integer', minimum: 1, maximum: 1000 }),
        queryParam('auth', 'Share link token (read only)'),
      ],
      ok: {
        200: json({
          type: 'object',
          properties: {
            results: { type: 'array', items: vitalsRow },
            totals: vitalsRow,
            timeseries: { type: 'array', items: { type: 'object', properties: { date: { type: 'string' }, LCP: { type: ['number', 'null'] }, INP: { type: ['number', 'null'] }, CLS: { type: ['number', 'null'] }, FCP: { type: ['number', 'null'] }, TTFB: { type: ['number', 'null'] } } } },
            meta: { type: 'object', properties: { dimension: { type: ['string', 'null'] }, date_range: { type: 'array', items: { type: 'string' } }, method: { enum: ['exact', 'histogram'] }, error_bound: { type: 'number' }, rows_read: count } },
          },
        }),
      },
      errors: [400, 401, 403, 404, 429],
    }),
  },
  '/api/v1/sites/{site}/errors': {
    parameters: [SITE],
    get: operation({
      summary: 'JavaScript errors grouped by fingerprint, most events first',
      description: `${READ} The fingerprint ignores the dynamic parts of a message (numbers, ids, hex, UUIDs, quoted values, URLs) and keys on the top stack frame (file without query, function). Message, source and stack were scrubbed of e-mails, tokens and query strings before storage. From daily pre-aggregates (up to one cron run behind); no filters.`,
      tags: ['reports'],
      parameters: [...RANGE, queryParam('limit', 'Groups, 1–100 (default 20)', { type: 'integer', minimum: 1, maximum: 100 }), queryParam('auth', 'Share link token (read only)')],
      ok: { 200: json({ type: 'object', properties: { results: { type: 'array', items: group }, meta: { type: 'object', properties: { date_range: { type: 'array', items: { type: 'string' } }, groups: count, rows_read: count } } } }) },
      errors: [400, 401, 403, 404, 429],
    }),
  },
  '/api/v1/sites/{site}/errors/{fingerprint}': {
    parameters: [SITE, pathParam('fingerprint', 'A group’s fingerprint (16 hex digits), from the errors list')],
    get: operation({
      summary: 'One error group: its numbers, daily counts and sample stacks',
      description: `${READ} 404 when the range holds none of the group.`,
      tags: ['reports'],
      parameters: [...RANGE, queryParam('auth', 'Share link token (read only)')],
      ok: {
        200: json({
          type: 'object',
          properties: {
            result: {
              allOf: [group, {
                type: 'object',
                properties: {
                  daily: { type: 'array', items: { type: 'object', properties: { date: { type: 'string' }, events: count, visitors: count } } },
                  stacks: { type: 'array', maxItems: 5, items: { type: 'object', properties: { stack: { type: 'string' }, last_seen: { type: 'string', format: 'date-time' } } } },
                },
              }],
            },
            meta: { type: 'object', properties: { date_range: { type: 'array', items: { type: 'string' } } } },
          },
        }),
      },
      errors: [400, 401, 403, 404, 429],
    }),
  },
};
