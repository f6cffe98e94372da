/**
 * Automation (DESIGN §4b): annotations on the chart, webhooks and their delivery log, alert rules
 * and their firings, digests (`reports`). All are site
 * data: they live in the site's own D1 database beside the rows they describe (workers/lib/
 * site-db.ts) and move and are deleted with it (workers/site-move/tables.ts). Times are epoch ms.
 */
import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** A note on one day of the main chart ("launched v2", "newsletter sent"). */
export const annotations = sqliteTable(
  'annotations',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id').notNull(),
    /** the site-local day, `YYYY-MM-DD`, as the chart's x axis */
    date: text('date').notNull(),
    text: text('text').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('annotations_site_date').on(t.siteId, t.date)],
);

/**
 * A URL that receives signed POSTs of matching events. The secret is kept in the clear because
 * every delivery is signed with it (HMAC needs the key itself); the API shows it only at creation.
 */
export const webhooks = sqliteTable(
  'webhooks',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id').notNull(),
    url: text('url').notNull(),
    /** JSON array of selectors: `goal:<name>`, `event:<name>`, `alert`, `*` */
    events: text('events').notNull(),
    secret: text('secret').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('webhooks_site').on(t.siteId)],
);

/**
 * One row per delivery attempt (the last WEBHOOK_LOG_KEEP per webhook are kept): what the
 * receiver answered, or why there was no answer, so an owner can see a failing endpoint.
 */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id').notNull(),
    webhookId: text('webhook_id').notNull(),
    /** the payload's id: every attempt of one payload shares it (receivers deduplicate by it) */
    deliveryId: text('delivery_id').notNull(),
    /** `event`, `alert`, `test` */
    type: text('type').notNull(),
    attempt: integer('attempt').notNull(),
    /** `ok`, `retrying` (a later attempt follows), `failed` (the last attempt; dead-lettered) */
    outcome: text('outcome').notNull(),
    httpStatus: integer('http_status'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [index('webhook_deliveries_hook_at').on(t.webhookId, t.at)],
);

/** An alert rule: a threshold or an anomaly on one metric, checked by the cron (workers/automation/alerts/). */
export const alerts = sqliteTable(
  'alerts',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id').notNull(),
    /** `visitors`, `pageviews`, `current_visitors`, `errors`, `goal:<name>`, `vital:<LCP|INP|CLS|FCP|TTFB>` */
    metric: text('metric').notNull(),
    kind: text('kind', { enum: ['threshold', 'anomaly'] }).notNull(),
    /** `above` / `below`; null for an anomaly rule that watches spikes and drops */
    op: text('op'),
    value: real('value'),
    window: text('window').notNull(),
    /** JSON array of channels: `{type: "email", to}`, `{type: "slack", url}`, `{type: "webhook", url}` */
    channels: text('channels').notNull(),
    cooldownMinutes: integer('cooldown_minutes').notNull(),
    /** signs the POSTs to the rule's plain-webhook channels (`Pulse-Signature`, as webhooks); shown at creation only */
    secret: text('secret'),
    /** 1 while the condition holds (fired, not yet back to normal) */
    firing: integer('firing').notNull().default(0),
    lastFiredAt: integer('last_fired_at'),
    /** the last period judged (an hour or day label, a 5-minute slot): each is judged once */
    checkedPeriod: text('checked_period'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('alerts_site').on(t.siteId)],
);

/**
 * Every firing and every "back to normal". Unique per alert, period and kind: two overlapping
 * cron runs judging the same hour insert one row, and only the run whose insert landed notifies.
 */
export const alertFirings = sqliteTable(
  'alert_firings',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id').notNull(),
    alertId: text('alert_id').notNull(),
    /** `fire` or `resolve` */
    kind: text('kind').notNull(),
    period: text('period').notNull(),
    observed: real('observed').notNull(),
    expected: real('expected'),
    score: real('score'),
    at: integer('at').notNull(),
  },
  (t) => [uniqueIndex('alert_firings_once').on(t.alertId, t.period, t.kind), index('alert_firings_site_at').on(t.siteId, t.at)],
);

/**
 * Every attempt to send a firing (or "back to normal") to one of its alert's channels, and how it
 * went: an email handed to `send_email` or not, a Slack or webhook POST's answer (its retries
 * through the webhooks Queue each add a row, the DLQ a final `dead` one). The last
 * ALERT_SEND_KEEP per alert are kept; listed with the firings.
 */
export const alertSends = sqliteTable(
  'alert_sends',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id').notNull(),
    alertId: text('alert_id').notNull(),
    firingId: text('firing_id').notNull(),
    /** the channel's index in the alert's `channels`, and its type and address when sent */
    channel: integer('channel').notNull(),
    type: text('type').notNull(),
    target: text('target').notNull(),
    attempt: integer('attempt').notNull(),
    /** `ok`, `error` (a retry may follow), `dead` (the last retry failed) */
    outcome: text('outcome').notNull(),
    httpStatus: integer('http_status'),
    error: text('error'),
    at: integer('at').notNull(),
  },
  (t) => [index('alert_sends_alert_at').on(t.alertId, t.at), index('alert_sends_firing').on(t.firingId)],
);

/** A digest: the site's week (Monday to Sunday, local) or month, sent to its channels. */
export const reports = sqliteTable(
  'reports',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id').notNull(),
    interval: text('interval', { enum: ['weekly', 'monthly'] }).notNull(),
    /** JSON array of channels, as alerts' */
    channels: text('channels').notNull(),
    /** signs the unsubscribe links of this report's emails (HMAC), so they work signed out */
    unsubscribeSecret: text('unsubscribe_secret').notNull(),
    /**
     * signs the POSTs to the digest's plain-webhook channels (`Pulse-Signature`, as webhooks and
     * alerts); shown at creation only. Null for digests made before 0017: they stay unsigned
     */
    secret: text('secret'),
    /** the last period the cron sent (`2026-11-23` for a week, `2026-11` for a month): each once */
    lastSentPeriod: text('last_sent_period'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('reports_site').on(t.siteId)],
);

/**
 * Operations (`GET /api/v1/status`): the last run of each cron task, one row per task, upserted
 * by every run (a few rows written per hour). Account-level: in the primary database only.
 */
export const cronRuns = sqliteTable('cron_runs', {
  name: text('name').primaryKey(),
  lastRun: integer('last_run').notNull(),
  durationMs: integer('duration_ms').notNull(),
  ok: integer('ok').notNull(),
  error: text('error'),
});

/**
 * Operations alert rules (`/api/v1/status/alerts`, the operator's): a number of `GET
 * /api/v1/status` above a value — a stalled SiteDO outbox, a database close to full, a failing
 * cron task — checked every 5 minutes and sent through the same channels. Account-level: in the
 * primary database only.
 */
export const opsAlerts = sqliteTable('ops_alerts', {
  id: text('id').primaryKey(),
  /** `outbox_oldest_seconds`, `database_used_percent`, `cron_failures` */
  metric: text('metric').notNull(),
  /** narrows the metric: a site (outbox), a database binding (database), a cron task (cron); null for all */
  scope: text('scope'),
  value: real('value').notNull(),
  channels: text('channels').notNull(),
  cooldownMinutes: integer('cooldown_minutes').notNull(),
  /** signs the POSTs to plain-webhook channels, as alerts' */
  secret: text('secret').notNull(),
  firing: integer('firing').notNull().default(0),
  lastFiredAt: integer('last_fired_at'),
  checkedPeriod: text('checked_period'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** Every firing and "back to normal" of an operations rule, once per rule, 5-minute slot and kind. */
export const opsAlertFirings = sqliteTable(
  'ops_alert_firings',
  {
    id: text('id').primaryKey(),
    alertId: text('alert_id').notNull(),
    kind: text('kind').notNull(),
    period: text('period').notNull(),
    observed: real('observed').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [uniqueIndex('ops_alert_firings_once').on(t.alertId, t.period, t.kind), index('ops_alert_firings_alert_at').on(t.alertId, t.at)],
);
