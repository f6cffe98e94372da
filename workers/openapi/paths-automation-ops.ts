/** OpenAPI paths and schemas of the operator's alert rules on the status numbers (`/api/v1/status/alerts`, workers/status/ops-alerts/). */
import { json, noContent, operation, pathParam, ref, type Json } from './helpers';

const str = { type: 'string' };
const dateTime = { type: 'string', format: 'date-time' };
const ID = pathParam('id', 'Operations alert id');
/** operators: the admin token, or the session of a user listed in PULSE_OPERATOR_EMAILS (workers/auth/operator.ts) */
export const OPERATOR = { tags: ['operator'], security: [{ admin: [] }, { session: [] }, { cookie: [] }] };
const ONLY = 'Operators only: the admin token, or a signed-in user listed in PULSE_OPERATOR_EMAILS.';
const METRIC = {
  type: 'string', enum: ['outbox_oldest_seconds', 'database_used_percent', 'cron_failures'],
  description: 'outbox_oldest_seconds: age of the oldest event waiting in a SiteDO outbox (a stalled outbox); database_used_percent: a D1 database\'s size in % of its 10 GB (4 decimals); cron_failures: cron tasks whose last run failed',
};
const SCOPE = { type: ['string', 'null'], description: 'Narrows the metric to one site (outbox), one database binding such as DB_2 (database) or one cron task such as rollups (cron); null or omitted: all' };

export const opsAlertSchemas: Record<string, Json> = {
  OpsAlert: {
    type: 'object',
    properties: {
      id: str, metric: METRIC, scope: SCOPE, op: { const: 'above' }, value: { type: 'number' }, channels: { type: 'array', items: ref('Channel') },
      cooldown_minutes: { type: 'integer' }, firing: { type: 'boolean' }, last_fired_at: { type: ['string', 'null'], format: 'date-time' }, created_at: dateTime, updated_at: dateTime,
    },
  },
  OpsAlertCreated: {
    allOf: [ref('OpsAlert'), { type: 'object', properties: { secret: { type: 'string', description: "Signs the POSTs to the rule's webhook channels (`Pulse-Signature`); shown only in this answer" } } }],
  },
  OpsAlertCreate: {
    type: 'object', required: ['metric', 'value', 'channels'], additionalProperties: false,
    properties: {
      metric: METRIC, scope: SCOPE, value: { type: 'number', minimum: 0, description: 'Fires when the metric is above it (database_used_percent: at most 100)' },
      channels: { type: 'array', minItems: 1, maxItems: 5, items: ref('Channel') }, cooldown_minutes: { type: 'integer', minimum: 0, maximum: 10080, default: 60 },
    },
  },
  OpsAlertUpdate: {
    type: 'object', additionalProperties: false,
    properties: { scope: SCOPE, value: { type: 'number', minimum: 0 }, channels: { type: 'array', minItems: 1, maxItems: 5, items: ref('Channel') }, cooldown_minutes: { type: 'integer', minimum: 0, maximum: 10080 } },
  },
  OpsAlertFiring: {
    type: 'object',
    properties: { id: str, state: { type: 'string', enum: ['firing', 'resolved'] }, period: { type: 'string', description: 'The 5-minute slot judged (UTC, `2026-12-01T10:00`)' }, observed: { type: 'number' }, at: dateTime },
  },
};

const list = (key: string, item: string) => ({ type: 'object', properties: { [key]: { type: 'array', items: ref(item) } } });

export const opsAlertPaths: Record<string, Json> = {
  '/api/v1/status/alerts': {
    get: operation({ summary: 'Operations alert rules (operator)', description: ONLY, ...OPERATOR, ok: { 200: json(list('alerts', 'OpsAlert')) }, errors: [401, 403] }),
    post: operation({
      summary: 'Create an operations alert rule: a status number above a value (operator)',
      description: `${ONLY} Checked every 5 minutes by the rollup cron; each firing and "back to normal" is stored once per 5-minute slot and sent to the channels, with a cool-down. At most 20.`,
      ...OPERATOR, body: ref('OpsAlertCreate'), ok: { 201: json(ref('OpsAlertCreated'), 'Created, with the signing secret of its webhook channels, once') }, errors: [400, 401, 403, 409, 413],
    }),
  },
  '/api/v1/status/alerts/{id}': {
    parameters: [ID],
    patch: operation({ summary: "Change an operations rule's scope, value, channels or cool-down (operator)", description: ONLY, ...OPERATOR, body: ref('OpsAlertUpdate'), ok: { 200: json(ref('OpsAlert')) }, errors: [400, 401, 403, 404, 413] }),
    delete: operation({ summary: 'Delete an operations rule and its firings (operator)', description: ONLY, ...OPERATOR, ok: { 204: noContent }, errors: [401, 403, 404] }),
  },
  '/api/v1/status/alerts/{id}/firings': {
    parameters: [ID],
    get: operation({ summary: 'Firings and returns to normal of an operations rule, newest first (operator)', description: ONLY, ...OPERATOR, ok: { 200: json(list('firings', 'OpsAlertFiring')) }, errors: [401, 403, 404] }),
  },
};
