/** OpenAPI paths and schemas of the automation resources (DESIGN §4b): annotations, webhooks, alerts. */
import { json, noContent, operation, pathParam, queryParam, ref, SITE, type Json } from './helpers';
import { OPERATOR, opsAlertPaths, opsAlertSchemas } from './paths-automation-ops';

const str = { type: 'string' };
const dateTime = { type: 'string', format: 'date-time' };
const day = { type: 'string', format: 'date', examples: ['2026-11-30'] };
const list = (key: string, item: string) => ({ type: 'object', properties: { [key]: { type: 'array', items: ref(item) } } });
const ID = (what: string) => pathParam('id', `${what} id`);
const ADMIN = 'Needs `sites:admin` (API key) or the admin role.';

export const automationSchemas: Record<string, Json> = {
  ...opsAlertSchemas,
  Annotation: {
    type: 'object',
    properties: { id: str, date: { ...day, description: 'Site-local day on the chart' }, text: str, created_at: dateTime, updated_at: dateTime },
  },
  AnnotationCreate: {
    type: 'object', required: ['date', 'text'], additionalProperties: false,
    properties: { date: day, text: { type: 'string', minLength: 1, maxLength: 500 } },
  },
  AnnotationUpdate: {
    type: 'object', additionalProperties: false, minProperties: 1,
    properties: { date: day, text: { type: 'string', minLength: 1, maxLength: 500 } },
  },
  Webhook: {
    type: 'object',
    properties: { id: str, url: str, events: { type: 'array', items: str }, created_at: dateTime, updated_at: dateTime },
  },
  WebhookCreated: {
    allOf: [ref('Webhook'), { type: 'object', properties: { secret: { type: 'string', description: 'Signs every delivery (`Pulse-Signature`); shown only in this answer' } } }],
  },
  WebhookCreate: {
    type: 'object', required: ['url', 'events'], additionalProperties: false,
    properties: {
      url: { type: 'string', description: '`https://` to a public host (loopback over http too under `npm run dev`)' },
      events: { type: 'array', minItems: 1, maxItems: 20, items: { type: 'string', examples: ['goal:Signup', 'event:Purchase', 'alert', '*'] } },
    },
  },
  WebhookUpdate: {
    type: 'object', additionalProperties: false, minProperties: 1,
    properties: { url: str, events: { type: 'array', minItems: 1, maxItems: 20, items: str } },
  },
  WebhookDelivery: {
    type: 'object',
    properties: {
      id: str, delivery_id: { type: 'string', description: 'Same for every attempt of one payload (the `Pulse-Delivery` header)' },
      type: { type: 'string', enum: ['event', 'alert', 'test'] }, attempt: { type: 'integer' },
      outcome: { type: 'string', enum: ['ok', 'error', 'dead'], description: '`dead`: the last retry failed and the payload went to the dead-letter queue' },
      http_status: { type: ['integer', 'null'] }, error: { type: ['string', 'null'] }, duration_ms: { type: 'integer' }, at: dateTime,
    },
  },
  Channel: {
    oneOf: [
      { type: 'object', required: ['type', 'to'], additionalProperties: false, properties: { type: { const: 'email' }, to: { type: 'string', format: 'email' } } },
      { type: 'object', required: ['type', 'url'], additionalProperties: false, properties: { type: { const: 'slack' }, url: { type: 'string', description: 'A Slack incoming-webhook URL' } } },
      { type: 'object', required: ['type', 'url'], additionalProperties: false, properties: { type: { const: 'webhook' }, url: { type: 'string', description: "Receives the notice JSON, signed with its alert's or digest's secret (`Pulse-Signature`)" } } },
    ],
  },
  Alert: {
    type: 'object',
    properties: {
      id: str, metric: str, kind: { type: 'string', enum: ['threshold', 'anomaly'] }, op: { type: ['string', 'null'], enum: ['above', 'below', null] },
      value: { type: 'number' }, window: { type: 'string', enum: ['5m', '1h', '1d'] }, channels: { type: 'array', items: ref('Channel') },
      cooldown_minutes: { type: 'integer' }, firing: { type: 'boolean' }, last_fired_at: { type: ['string', 'null'], format: 'date-time' }, created_at: dateTime, updated_at: dateTime,
    },
  },
  AlertCreate: {
    type: 'object', required: ['metric', 'kind', 'channels'], additionalProperties: false,
    properties: {
      metric: { type: 'string', description: '`visitors`, `pageviews`, `current_visitors`, `errors`, `goal:<name>` or `vital:<LCP|INP|CLS|FCP|TTFB>` (a vital\'s p75 per hour or day; thresholds only)', examples: ['visitors', 'goal:Signup', 'errors', 'vital:LCP'] },
      kind: { type: 'string', enum: ['threshold', 'anomaly'], description: 'anomaly: against the same hour of the week over the previous 4–8 weeks (median, MAD, Poisson-aware)' },
      op: { type: 'string', enum: ['above', 'below'], description: 'Required for thresholds (vitals: default above); for anomalies, spikes only (above), drops only (below) or both (omitted)' },
      value: { type: 'number', description: 'Thresholds only; a vital defaults to its poor threshold (LCP 4000, INP 500, CLS 0.25, FCP 3000, TTFB 1800)' },
      window: { type: 'string', enum: ['5m', '1h', '1d'], description: '5m for current_visitors; 1h (default) or 1d otherwise; anomalies are 1h' },
      channels: { type: 'array', minItems: 1, maxItems: 5, items: ref('Channel') },
      cooldown_minutes: { type: 'integer', minimum: 0, maximum: 10080, default: 60 },
    },
  },
  AlertUpdate: {
    type: 'object', additionalProperties: false,
    properties: { op: { type: ['string', 'null'], enum: ['above', 'below', null] }, value: { type: 'number' }, channels: { type: 'array', items: ref('Channel') }, cooldown_minutes: { type: 'integer' } },
  },
  AlertCreated: {
    allOf: [ref('Alert'), { type: 'object', properties: { secret: { type: 'string', description: "Signs the POSTs to the rule's webhook channels (`Pulse-Signature`); shown only in this answer" } } }],
  },
  AlertFiring: {
    type: 'object',
    properties: {
      id: str, state: { type: 'string', enum: ['firing', 'resolved'] }, period: { type: 'string', description: 'Local hour (`2026-11-30 12:00:00`), day or 5-minute slot judged' },
      observed: { type: 'number' }, expected: { type: ['number', 'null'] }, score: { type: ['number', 'null'], description: 'Anomalies: (observed − expected) / normal variation' }, at: dateTime,
      sends: { type: 'array', description: 'Every attempt to send this notice to each channel, oldest first', items: ref('AlertSend') },
    },
  },
  ChartFiring: {
    type: 'object',
    properties: {
      id: str, alert_id: str, metric: { type: 'string', description: "The rule's metric (`visitors`, `errors`, `vital:LCP`, `goal:<name>`…)" },
      date: { ...day, description: 'The site-local day the chart marks' }, period: { type: 'string' }, observed: { type: 'number' }, at: dateTime,
    },
  },
  AlertSend: {
    type: 'object',
    properties: {
      channel: { type: 'integer', description: "Index in the rule's `channels`" }, type: { type: 'string', enum: ['email', 'slack', 'webhook'] }, target: { type: 'string', description: 'The address or URL sent to' },
      attempt: { type: 'integer' }, outcome: { type: 'string', enum: ['ok', 'error', 'dead'], description: '`error`: a retry follows (Slack, webhook); `dead`: the last retry failed' },
      http_status: { type: ['integer', 'null'] }, error: { type: ['string', 'null'] }, at: dateTime,
    },
  },
  Report: {
    type: 'object',
    properties: { id: str, interval: { type: 'string', enum: ['weekly', 'monthly'] }, channels: { type: 'array', items: ref('Channel') }, last_sent_period: { type: ['string', 'null'] }, created_at: dateTime, updated_at: dateTime },
  },
  ReportCreated: {
    allOf: [ref('Report'), { type: 'object', properties: { secret: { type: 'string', description: "Signs the POSTs to the digest's webhook channels (`Pulse-Signature`); shown only in this answer" } } }],
  },
  ReportCreate: {
    type: 'object', required: ['interval', 'channels'], additionalProperties: false,
    properties: { interval: { type: 'string', enum: ['weekly', 'monthly'], description: 'weekly: Monday–Sunday, sent Monday from 07:00 site time; monthly: sent on the 1st' }, channels: { type: 'array', minItems: 1, maxItems: 5, items: ref('Channel') } },
  },
  ReportUpdate: {
    type: 'object', additionalProperties: false, minProperties: 1,
    properties: { interval: { type: 'string', enum: ['weekly', 'monthly'] }, channels: { type: 'array', minItems: 1, maxItems: 5, items: ref('Channel') } },
  },
  ReportSent: { type: 'object', properties: { sent: { type: 'boolean' }, period: { type: 'object', properties: { from: day, to: day } } } },
  Insights: {
    type: 'object',
    properties: {
      period: { type: 'object', properties: { from: day, to: day } }, compared_to: { type: ['object', 'null'], properties: { from: day, to: day } },
      summary: { type: 'object', properties: { sentence: str } },
      movers: { type: 'array', items: { type: 'object', properties: {
        dimension: { type: 'string', enum: ['visit:source', 'event:page', 'visit:country', 'visit:device', 'event:goal'] }, value: str,
        current: { type: 'integer' }, previous: { type: 'integer' }, change: { type: ['number', 'null'] },
        z: { type: 'number', description: '(current − previous) / sqrt(current + previous)' }, significant: { type: 'boolean', description: '|z| ≥ 3: beyond normal variation' }, sentence: str,
      } } },
      anomalies: { type: 'array', items: { type: 'object', properties: { alert_id: str, metric: str, period: str, observed: { type: 'number' }, expected: { type: ['number', 'null'] }, score: { type: ['number', 'null'] }, at: dateTime, sentence: str } } },
    },
  },
  Status: {
    type: 'object',
    properties: {
      at: dateTime,
      sites: { type: 'array', items: { type: 'object', properties: {
        site: str, outbox_pending: { type: 'integer', description: 'Events, session snapshots and drop counts in the SiteDO outboxes, not yet accepted by the Queue' },
        outbox_oldest_seconds: { type: ['integer', 'null'] }, drops: { type: 'object', additionalProperties: { type: 'integer' }, description: 'Today (UTC) by reason' },
        events_today: { type: 'integer', description: "Site-local today, as the Stats API's `events`" }, rollup_lag_seconds: { type: ['integer', 'null'] },
      } } },
      next_offset: { type: ['integer', 'null'] },
      queues: {
        type: 'object',
        description: "Per queue (`events`, `webhooks`); the depths come from Cloudflare's GraphQL Analytics API when CF_ACCOUNT_ID and CF_API_TOKEN are set (cached a minute), else null with `reason`",
        additionalProperties: {
          type: 'object',
          properties: {
            backlog: { type: ['integer', 'null'], description: 'Messages waiting in the queue (the newest minute Cloudflare sampled)' }, backlog_bytes: { type: ['integer', 'null'] },
            dlq_backlog: { type: ['integer', 'null'], description: 'Messages waiting in its dead-letter queue' }, dlq: { type: 'integer', description: 'Dead letters kept in D1' },
            measured_at: { type: ['string', 'null'], format: 'date-time' }, reason: { type: ['string', 'null'], description: 'Why a depth is null, e.g. "set CF_ACCOUNT_ID and CF_API_TOKEN"' },
          },
        },
      },
      cron: { type: 'array', items: { type: 'object', properties: { name: str, last_run: dateTime, duration_ms: { type: 'integer' }, ok: { type: 'boolean' }, error: { type: ['string', 'null'] } } } },
      rollups: { type: 'object', properties: { lag_seconds: { type: ['integer', 'null'] } } },
      databases: { type: 'array', items: { type: 'object', properties: { binding: str, size_bytes: { type: 'integer' }, limit_bytes: { type: 'integer' } } } },
    },
  },
  WebhookTestQueued: { type: 'object', properties: { delivery_id: str, queued: { type: 'boolean' } } },
};

export const automationPaths: Record<string, Json> = {
  '/api/v1/sites/{site}/annotations': {
    parameters: [SITE],
    get: operation({
      summary: 'Annotations drawn on the main chart (viewer)', tags: ['automation'],
      parameters: [queryParam('from', 'First day, YYYY-MM-DD', day), queryParam('to', 'Last day, YYYY-MM-DD', day)],
      ok: { 200: json(list('annotations', 'Annotation')) }, errors: [400, 401, 403, 429],
    }),
    post: operation({ summary: 'Create an annotation', description: ADMIN, tags: ['automation'], body: ref('AnnotationCreate'), ok: { 201: json(ref('Annotation'), 'Created') }, errors: [400, 401, 403, 404, 409, 413, 429] }),
  },
  '/api/v1/sites/{site}/annotations/{id}': {
    parameters: [SITE, ID('Annotation')],
    patch: operation({ summary: "Change an annotation's date or text", description: ADMIN, tags: ['automation'], body: ref('AnnotationUpdate'), ok: { 200: json(ref('Annotation')) }, errors: [400, 401, 403, 404, 413, 429] }),
    delete: operation({ summary: 'Delete an annotation', description: ADMIN, tags: ['automation'], ok: { 204: noContent }, errors: [400, 401, 403, 404, 429] }),
  },
  '/api/v1/sites/{site}/webhooks': {
    parameters: [SITE],
    get: operation({ summary: 'Webhooks (without their secrets)', description: ADMIN, tags: ['automation'], ok: { 200: json(list('webhooks', 'Webhook')) }, errors: [400, 401, 403, 429] }),
    post: operation({
      summary: 'Create a webhook; the answer carries its secret, once',
      description: `${ADMIN} Matching events are POSTed within seconds, signed \`Pulse-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>\`, retried with exponential back-off. At most 10 per site.`,
      tags: ['automation'], body: ref('WebhookCreate'), ok: { 201: json(ref('WebhookCreated'), 'Created') }, errors: [400, 401, 403, 404, 409, 413, 429],
    }),
  },
  '/api/v1/sites/{site}/webhooks/{id}': {
    parameters: [SITE, ID('Webhook')],
    patch: operation({ summary: "Change a webhook's URL or events", description: ADMIN, tags: ['automation'], body: ref('WebhookUpdate'), ok: { 200: json(ref('Webhook')) }, errors: [400, 401, 403, 404, 413, 429] }),
    delete: operation({ summary: 'Delete a webhook and its delivery log', description: ADMIN, tags: ['automation'], ok: { 204: noContent }, errors: [400, 401, 403, 404, 429] }),
  },
  '/api/v1/sites/{site}/webhooks/{id}/deliveries': {
    parameters: [SITE, ID('Webhook')],
    get: operation({ summary: 'The last 100 delivery attempts, newest first', description: ADMIN, tags: ['automation'], ok: { 200: json(list('deliveries', 'WebhookDelivery')) }, errors: [400, 401, 403, 404, 429] }),
  },
  '/api/v1/sites/{site}/webhooks/{id}/test': {
    parameters: [SITE, ID('Webhook')],
    post: operation({ summary: 'Send a test delivery through the same Queue, signing and log', description: ADMIN, tags: ['automation'], ok: { 202: json(ref('WebhookTestQueued'), 'Queued') }, errors: [400, 401, 403, 404, 429] }),
  },
  '/api/v1/sites/{site}/alerts': {
    parameters: [SITE],
    get: operation({ summary: 'Alert rules', description: ADMIN, tags: ['automation'], ok: { 200: json(list('alerts', 'Alert')) }, errors: [400, 401, 403, 429] }),
    post: operation({
      summary: 'Create an alert rule: a threshold or an anomaly',
      description: `${ADMIN} Checked by the cron (every 5 minutes for current_visitors, hourly otherwise); each firing and each "back to normal" is stored and sent to the rule's channels and to webhooks that select \`alert\`. At most 20 per site.`,
      tags: ['automation'], body: ref('AlertCreate'), ok: { 201: json(ref('AlertCreated'), 'Created, with the signing secret of its webhook channels, once') }, errors: [400, 401, 403, 404, 409, 413, 429],
    }),
  },
  '/api/v1/sites/{site}/alerts/firings': {
    parameters: [SITE],
    get: operation({
      summary: "The firings of the site's alert rules in a range of days, as the main chart marks them (viewer)", tags: ['automation'],
      description: 'Firings only (not returns to normal), oldest first, at most 500; no thresholds or channels.',
      parameters: [{ ...queryParam('from', 'First day, YYYY-MM-DD', day), required: true }, { ...queryParam('to', 'Last day, YYYY-MM-DD', day), required: true }],
      ok: { 200: json(list('firings', 'ChartFiring')) }, errors: [400, 401, 403, 429],
    }),
  },
  '/api/v1/sites/{site}/alerts/{id}': {
    parameters: [SITE, ID('Alert')],
    patch: operation({ summary: "Change a rule's op, value, channels or cool-down", description: ADMIN, tags: ['automation'], body: ref('AlertUpdate'), ok: { 200: json(ref('Alert')) }, errors: [400, 401, 403, 404, 413, 429] }),
    delete: operation({ summary: 'Delete a rule and its firings', description: ADMIN, tags: ['automation'], ok: { 204: noContent }, errors: [400, 401, 403, 404, 429] }),
  },
  '/api/v1/sites/{site}/alerts/{id}/firings': {
    parameters: [SITE, ID('Alert')],
    get: operation({ summary: 'Firings and returns to normal, newest first (at most 500)', description: ADMIN, tags: ['automation'], ok: { 200: json(list('firings', 'AlertFiring')) }, errors: [400, 401, 403, 404, 429] }),
  },
  '/api/v1/status': {
    get: operation({
      summary: 'Operations: outbox backlog, drops, events today, dead letters, cron runs, rollup lag, database sizes (operator)',
      description: 'Operators only: the admin token, or a signed-in user listed in PULSE_OPERATOR_EMAILS. Sites 100 at a time (`offset`, `next_offset`) or one (`site`).',
      ...OPERATOR,
      parameters: [queryParam('site', 'Only this site'), queryParam('offset', 'Skip this many sites', { type: 'integer', minimum: 0 })],
      ok: { 200: json(ref('Status')) }, errors: [400, 401, 403, 404],
    }),
  },
  ...opsAlertPaths,
  '/api/v1/sites/{site}/reports': {
    parameters: [SITE],
    get: operation({ summary: 'Digests (email, Slack, webhook)', description: ADMIN, tags: ['automation'], ok: { 200: json(list('reports', 'Report')) }, errors: [400, 401, 403, 429] }),
    post: operation({
      summary: 'Create a weekly or monthly digest',
      description: `${ADMIN} Top stats with change against the previous period, top sources, pages and goals, a sparkline and a dashboard link; numbers are the Stats API's. Webhook body: \`{"type": "report", "site", "period", "stats", "top", "daily", "funnels"}\` (each stored funnel's steps and conversion, the first 5). At most 10 per site.`,
      tags: ['automation'], body: ref('ReportCreate'), ok: { 201: json(ref('ReportCreated'), 'Created, with the signing secret of its webhook channels, once') }, errors: [400, 401, 403, 404, 409, 413, 429],
    }),
  },
  '/api/v1/sites/{site}/reports/{id}': {
    parameters: [SITE, ID('Report')],
    patch: operation({ summary: "Change a digest's interval or channels", description: ADMIN, tags: ['automation'], body: ref('ReportUpdate'), ok: { 200: json(ref('Report')) }, errors: [400, 401, 403, 404, 413, 429] }),
    delete: operation({ summary: 'Delete a digest', description: ADMIN, tags: ['automation'], ok: { 204: noContent }, errors: [400, 401, 403, 404, 429] }),
  },
  '/api/v1/sites/{site}/reports/{id}/send': {
    parameters: [SITE, ID('Report')],
    post: operation({ summary: 'Send the last complete period now (a test send)', description: ADMIN, tags: ['automation'], ok: { 202: json(ref('ReportSent'), 'Sent') }, errors: [400, 401, 403, 404, 429] }),
  },
  '/api/v1/reports/unsubscribe': {
    get: operation({ summary: 'The unsubscribe page of a digest email (signed link, no sign-in)', tags: ['automation'], security: [], parameters: [queryParam('site', 'Site id'), queryParam('report', 'Report id'), queryParam('to', 'The email address'), queryParam('sig', 'HMAC of the link')], ok: { 200: { description: 'An HTML page with an Unsubscribe button', content: { 'text/html': { schema: str } } } }, errors: [400] }),
    post: operation({ summary: 'Unsubscribe the address (also RFC 8058 one-click)', tags: ['automation'], security: [], parameters: [queryParam('site', 'Site id'), queryParam('report', 'Report id'), queryParam('to', 'The email address'), queryParam('sig', 'HMAC of the link')], ok: { 200: { description: 'An HTML confirmation', content: { 'text/html': { schema: str } } } }, errors: [400] }),
  },
  '/api/v1/sites/{site}/insights': {
    parameters: [SITE],
    get: operation({
      summary: 'What changed most against the previous period, and whether it is beyond normal variation (stats:read)',
      description: 'Top movers by source, page, country, device and goal (visitors, each among the top 50 of this period or of the previous one, so a value that fell out or vanished counts), ranked by a Poisson z score, plus the alert engine\'s firings in the period; each with a plain sentence.',
      tags: ['analytics'],
      parameters: [queryParam('period', '7d (default), 28d, 30d, 91d or month'), queryParam('date', 'Two days instead of period: 2026-11-01,2026-11-30')],
      ok: { 200: json(ref('Insights')) }, errors: [400, 401, 403, 404, 429],
    }),
  },
  '/mcp': {
    post: operation({
      summary: 'Model Context Protocol (Streamable HTTP, JSON answers): tools list_sites, query, realtime, insights',
      description: 'Send a Pulse API key as `Authorization: Bearer`. Each tool call is the matching API request made with that key: the same scopes, site checks and rate limits.',
      tags: ['agents'], security: [{ apiKey: [] }], body: { type: 'object', description: 'A JSON-RPC 2.0 message of MCP' },
      ok: { 200: json({ type: 'object' }, 'A JSON-RPC answer'), 202: { description: 'Accepted (a notification)' } }, errors: [400, 401, 413],
    }),
  },
};
