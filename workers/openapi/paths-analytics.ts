/**
 * OpenAPI paths of ingestion, stats and realtime (DESIGN §3–4), served by other modules of the
 * Worker; described here so the whole API is in one document. Only routes the router serves are
 * listed (openapi.test.ts calls each one). The reports of DESIGN §4a are in paths-reports.ts
 * (funnels, retention, journeys) and paths-performance.ts (vitals, errors).
 */
import { json, operation, queryParam, ref, SITE, type Json } from './helpers';

const PUBLIC: Json[] = [];
const READ = 'Needs stats:read: an API key for the site, a session with any role, a share token (`?auth=`), or nothing on a public site.';
const REVENUE = {
  type: 'object',
  properties: { short: { type: 'string' }, long: { type: 'string' }, value: { type: 'number' }, currency: { type: 'string' } },
};

const eventProps = {
  name: { type: 'string', description: 'pageview, engagement, web-vital, error or a custom name (alias n)' },
  url: { type: 'string', description: 'alias u' },
  domain: { type: 'string', description: 'site id; comma-separated for several sites (alias d)' },
  referrer: { type: 'string', description: 'alias r' },
  props: { type: 'object', additionalProperties: { type: 'string' }, maxProperties: 30, description: 'alias p' },
  revenue: { type: 'object', properties: { amount: { type: ['number', 'string'] }, currency: { type: 'string' } }, description: 'alias $' },
  interactive: { type: 'boolean', default: true, description: 'alias i' },
  hashMode: { type: 'boolean', description: 'alias h' },
  sd: { type: 'integer', minimum: 0, maximum: 100, description: 'engagement: scroll depth' },
  e: { type: 'integer', description: 'engagement: engaged milliseconds' },
  uid: { type: 'string', description: 'user id from the site backend; hashed with a per-site secret before storage' },
  ts: { type: ['string', 'integer'], description: 'event time (ISO 8601 or epoch ms); only with an events:write key' },
  ip: { type: 'string', description: 'client IP for visitor hashing; only with an events:write key; never stored' },
  ua: { type: 'string', description: 'client user agent; only with an events:write key' },
};
const event = { type: 'object', required: ['name', 'url'], properties: eventProps };
const eventBody = { oneOf: [event, { type: 'array', items: event, maxItems: 50 }, { type: 'object', properties: { events: { type: 'array', items: event, maxItems: 50 } } }] };

const count = { type: 'integer', minimum: 0 };
const row = { type: 'object', properties: { name: { type: ['string', 'null'] }, visitors: count, pageviews: count } };
const liveEvent = {
  type: 'object',
  properties: { id: { type: 'string' }, name: { type: 'string' }, path: { type: 'string' }, country: { type: ['string', 'null'] }, device: { type: 'string' }, source: { type: 'string' }, time: { type: 'string', format: 'date-time' } },
};
const realtimeSnapshot = {
  type: 'object',
  properties: {
    site: { type: 'string' },
    at: { type: 'string', format: 'date-time' },
    visitors: { ...count, description: 'current visitors: last event under 5 minutes ago' },
    visitors_30m: count,
    pageviews: count,
    events: count,
    minutes: { type: 'array', maxItems: 30, items: { type: 'object', properties: { time: { type: 'string', format: 'date-time' }, pageviews: count, visitors: count, events: count } } },
    pages: { type: 'array', items: row },
    sources: { type: 'array', items: row },
    countries: { type: 'array', items: row },
    devices: { type: 'array', items: row },
    goals: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, visitors: count, events: count, conversion_rate: { type: 'number' } } } },
    recent: { type: 'array', maxItems: 50, items: liveEvent },
  },
};

export const analyticsPaths: Record<string, Json> = {
  '/api/event': {
    post: {
      ...operation({
        summary: 'Record events (Plausible-compatible; batches up to 50)',
        description:
          'Anonymous from browsers, or with `Authorization: Bearer <key>` (events:write, the site in the key) to send ts, uid, ip and ua. Dropped events still answer 202 with `x-pulse-dropped`; invalid input (a missing or non-http(s) `url` among it, or a `ts` past the site\'s retention) is 400 `{"error": "invalid event", "code": "invalid_event", "errors": {field: [message]}}`.',
        tags: ['events'],
        security: [{}, { apiKey: [] }],
        ok: {
          202: { description: 'Accepted', headers: { 'x-pulse-dropped': { schema: { type: 'integer' } } }, content: { 'text/plain': { schema: { type: 'string', const: 'ok' } } } },
          400: json(ref('FieldErrors'), 'Invalid input, by field'),
        },
        errors: [401, 403, 413, 429, 503],
      }),
      // Bodies come as JSON or as text/plain (no CORS preflight), so both media types are listed.
      requestBody: {
        required: true,
        content: {
          'application/json': { schema: eventBody },
          'text/plain': { schema: { type: 'string', description: 'the same JSON, sent as text/plain' } },
        },
      },
    },
    options: operation({
      summary: 'CORS preflight of a cross-origin application/json event',
      tags: ['events'],
      security: [{}],
      ok: {
        204: {
          description: 'Allowed from any origin',
          headers: Object.fromEntries(
            ['access-control-allow-origin', 'access-control-allow-methods', 'access-control-allow-headers', 'access-control-max-age'].map((h) => [h, { schema: { type: 'string' } }]),
          ),
        },
      },
      errors: [],
    }),
  },
  '/api/health': {
    get: operation({ summary: 'Worker and bindings status', tags: ['meta'], security: PUBLIC, ok: { 200: json({ type: 'object' }) }, errors: [] }),
  },
  '/api/v2/query': {
    post: operation({
      summary: 'Stats query (Plausible v2-compatible)',
      description: `${READ} Body fields: site_id, metrics, date_range, dimensions, filters, order_by, include, pagination.`,
      tags: ['stats'],
      body: {
        type: 'object',
        required: ['site_id', 'metrics', 'date_range'],
        properties: {
          site_id: { type: 'string' },
          metrics: { type: 'array', items: { type: 'string' } },
          date_range: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 2 }] },
          dimensions: { type: 'array', items: { type: 'string' } },
          filters: { type: 'array', items: {} },
          order_by: { type: 'array', items: { type: 'array', items: { type: 'string' } } },
          include: { type: 'object', properties: { time_labels: { type: 'boolean' }, total_rows: { type: 'boolean' }, comparisons: { type: 'object' } } },
          pagination: { type: 'object', properties: { limit: { type: 'integer', maximum: 10000 }, offset: { type: 'integer' } } },
        },
      },
      ok: {
        200: json({
          type: 'object',
          properties: {
            results: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  // numbers; revenue metrics are {short, long, value, currency} objects (or null)
                  metrics: { type: 'array', items: { oneOf: [{ type: 'number' }, { type: 'null' }, REVENUE] } },
                  dimensions: { type: 'array' },
                },
              },
            },
            meta: { type: 'object', properties: { warning: { type: 'string', description: 'set when identified visitors were counted once per day (too many to deduplicate)' } } },
            query: { type: 'object' },
          },
        }),
      },
      errors: [400, 401, 403, 413, 429],
    }),
  },
  '/api/v1/sites/{site}/realtime': {
    parameters: [SITE],
    get: operation({
      summary: 'Realtime snapshot of the last 30 minutes (from the SiteDO, merged across shards)',
      description: `${READ} \`visitors\` = distinct visitors whose last event arrived under 5 minutes ago; \`minutes\` = 30 per-minute buckets (pageviews, visitors, events); top pages, sources, countries, devices and goal conversions of the last 30 minutes; \`recent\` = the last 50 events (no visitor ids).`,
      tags: ['realtime'],
      parameters: [queryParam('limit', 'Rows per breakdown, 1–100 (default 10)', { type: 'integer', minimum: 1, maximum: 100 })],
      ok: { 200: json(realtimeSnapshot) },
      errors: [400, 401, 403, 404, 429],
    }),
  },
  '/api/v1/sites/{site}/live-token': {
    parameters: [SITE],
    post: operation({
      summary: 'A 60-second token that opens the live stream of this site',
      description: `${READ} Browsers cannot send headers on a WebSocket and API keys never go in URLs: trade the credential for this token and pass it as \`?token=\` or as a subprotocol (\`new WebSocket(url, ['pulse.live', token])\`).`,
      tags: ['realtime'],
      ok: {
        201: json({
          type: 'object',
          required: ['token', 'expires_in', 'expires_at', 'url'],
          properties: { token: { type: 'string' }, expires_in: { type: 'integer', const: 60 }, expires_at: { type: 'string', format: 'date-time' }, url: { type: 'string' } },
        }),
      },
      errors: [401, 403, 404, 429],
    }),
  },
  '/api/v1/sites/{site}/live': {
    parameters: [SITE],
    get: operation({
      summary: 'Live event stream (WebSocket upgrade)',
      description: `${READ} Authenticate with a live token (\`?token=\` or the \`Sec-WebSocket-Protocol\` entry next to \`pulse.live\`), the session cookie, or a share link's \`?auth=\`; an API key is never accepted in the URL. The first message is \`{"type":"snapshot", …RealtimeSnapshot}\`; then \`{"type":"events", events, visitors, minute, at}\` at most 4 times a second, batching what arrived meanwhile (events carry ids: drop ones the snapshot had). Send \`{"type":"snapshot"}\` for a fresh snapshot, at most once per 5 s (sooner gets one \`{"type":"error","code":"snapshot_rate_limited","retryAfterMs"}\` notice, and the rest nothing); more than 20 messages in 10 s close the socket with 1008; \`ping\` is answered \`pong\`.`,
      tags: ['realtime'],
      parameters: [queryParam('token', 'Live token from POST …/live-token (60 s)'), queryParam('auth', 'Share link token (read only)')],
      ok: { 101: { description: 'Switching protocols' }, 426: { description: 'Not a WebSocket upgrade' } },
      errors: [401, 403, 404, 429, 503],
    }),
  },
  '/api/v1/sites/{site}/export.csv': {
    parameters: [SITE],
    get: operation({
      summary: 'A stats query as CSV (one row per result, dimensions then metrics)',
      description: `${READ} Either \`?query=<the /api/v2/query body as JSON>\`, or the parts as parameters.`,
      tags: ['stats'],
      parameters: [
        queryParam('query', 'The whole /api/v2/query body as JSON (site_id is taken from the path)'),
        queryParam('metrics', 'Comma-separated metrics; default visitors'),
        queryParam('dimensions', 'Comma-separated dimensions'),
        queryParam('date_range', '30d (default), 7d, month, … or a JSON array of two dates'),
        queryParam('filters', 'JSON array of filters, as in /api/v2/query'),
        queryParam('order_by', 'JSON array of [field, direction] pairs'),
        queryParam('auth', 'Share link token (read only)'),
      ],
      ok: { 200: { description: 'CSV attachment', content: { 'text/csv': { schema: { type: 'string' } } } } },
      errors: [400, 401, 403, 404, 429],
    }),
  },
  '/api/v1/sites/{site}/prop-keys': {
    parameters: [SITE],
    get: operation({
      summary: "The custom property keys of the site's events in a range, most used first",
      description: `${READ} Counted over the newest 50,000 events of the range; at most 100 keys.`,
      tags: ['stats'],
      parameters: [queryParam('date_range', '30d (default), 7d, month, … or a JSON array of two dates'), queryParam('auth', 'Share link token (read only)')],
      ok: {
        200: {
          description: 'Keys with their event counts',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['keys', 'date_range'],
                properties: {
                  keys: { type: 'array', items: { type: 'object', required: ['key', 'events'], properties: { key: { type: 'string' }, events: { type: 'integer' } } } },
                  date_range: { type: 'array', items: { type: 'string' } },
                  scanned_at_most: { type: 'integer' },
                },
              },
            },
          },
        },
      },
      errors: [400, 401, 403, 404, 429],
    }),
  },
  '/js/pulse.js': {
    get: operation({
      summary: 'The tracker script',
      tags: ['events'],
      security: PUBLIC,
      ok: { 200: { description: 'JavaScript', content: { 'application/javascript': { schema: { type: 'string' } } } } },
      errors: [],
    }),
  },
};
