/**
 * D1 schema (drizzle). `npm run db:generate` writes numbered SQL into migrations/, which are
 * never edited after landing. Daily salts are deliberately absent: they live only in the SiteDO.
 * Times are epoch milliseconds (UTC); visitor ids are 53-bit hashes (safe JS integers).
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const sites = sqliteTable('sites', {
  id: text('id').primaryKey(), // the domain, as in Plausible's site_id
  timezone: text('timezone').notNull().default('UTC'),
  retentionDays: integer('retention_days').notNull().default(395),
  /** JSON: { allowedHostnames?: string[], public?: boolean, allowedQueryKeys?: string[] } */
  settings: text('settings').notNull().default('{}'),
  /** random per-site secret used to hash `uid` before storage */
  uidSecret: text('uid_secret').notNull(),
  createdAt: integer('created_at').notNull().default(sql`(unixepoch() * 1000)`),
});

export const attributionColumns = {
  referrer: text('referrer'),
  source: text('source').notNull(),
  channel: text('channel').notNull(),
  utmSource: text('utm_source'),
  utmMedium: text('utm_medium'),
  utmCampaign: text('utm_campaign'),
  utmContent: text('utm_content'),
  utmTerm: text('utm_term'),
  device: text('device').notNull(),
  browser: text('browser').notNull(),
  browserVersion: text('browser_version').notNull(),
  os: text('os').notNull(),
  osVersion: text('os_version').notNull(),
  country: text('country'),
  region: text('region'),
  regionName: text('region_name'),
  city: text('city'),
};

export const events = sqliteTable(
  'events',
  {
    id: text('id').notNull(),
    siteId: text('site_id').notNull(),
    ts: integer('ts').notNull(),
    visitorId: integer('visitor_id').notNull(),
    sessionId: text('session_id').notNull(),
    identified: integer('identified').notNull().default(0),
    name: text('name').notNull(),
    hostname: text('hostname').notNull(),
    pathname: text('pathname').notNull(),
    props: text('props').notNull().default('{}'),
    revenueAmount: real('revenue_amount'),
    revenueCurrency: text('revenue_currency'),
    interactive: integer('interactive').notNull().default(1),
    scrollDepth: integer('scroll_depth'),
    engagedMs: integer('engaged_ms'),
    ...attributionColumns,
    /** when the consumer wrote the row: rollups refresh incrementally from here (found through `arrivals`) */
    insertedAt: integer('inserted_at').notNull(),
    /**
     * The Queue message that first wrote the row (a 53-bit hash of its batch id): only that
     * message archives the event, so a resent outbox range of other bounds (a SiteDO killed after
     * the Queue took a batch, a split after an ambiguous refusal) cannot archive it twice. Null
     * for rows written before it existed.
     */
    archiveBatch: integer('archive_batch'),
  },
  /**
   * WITHOUT ROWID (migration 0013; drizzle cannot say so) and no secondary index: the row is its
   * own index, so an insert writes 1 row (7 with the id key and four indexes it had). Every read
   * is a site and a time range (raw plan, rebuild, retention); the id comes last only to keep
   * keys unique, and a resent event carries the same site, ts and id, so it conflicts here.
   */
  (t) => [primaryKey({ columns: [t.siteId, t.ts, t.id] })],
);

export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').notNull(),
    siteId: text('site_id').notNull(),
    visitorId: integer('visitor_id').notNull(),
    identified: integer('identified').notNull().default(0),
    version: integer('version').notNull(),
    start: integer('start').notNull(),
    end: integer('end').notNull(),
    duration: integer('duration').notNull(), // seconds, last event minus first event
    pageviews: integer('pageviews').notNull(),
    events: integer('events').notNull(),
    interactiveEvents: integer('interactive_events').notNull(),
    isBounce: integer('is_bounce').notNull(),
    entryPage: text('entry_page'),
    exitPage: text('exit_page'),
    hostname: text('hostname').notNull(),
    ...attributionColumns,
    insertedAt: integer('inserted_at').notNull(),
  },
  /**
   * WITHOUT ROWID (migration 0013), keyed by what never changes between a session's versions (a
   * visitor's sessions are one key range: the incremental refresh reads them so), and one index
   * on `start`, which only a late first event moves: a newer version rewrites 1 row, not 4.
   */
  (t) => [primaryKey({ columns: [t.siteId, t.visitorId, t.id] }), index('sessions_site_start').on(t.siteId, t.start)],
);

/**
 * What arrived when, in place of an index on `inserted_at` in events and sessions: per site,
 * minute of arrival (`inserted_at / 60 000`), side (`e`: events by `ts`, `s`: sessions by
 * `start`) and quarter-hour of that time (/ 900 000) that received rows. The consumer adds its
 * message's tuples with `ON CONFLICT DO NOTHING` (a tuple already there writes no row), so a busy
 * site writes a few rows a minute, whatever its traffic; the refresh finds what changed since its
 * watermark through them (workers/rollups/stale-days.ts, delta.ts) and deletes the ones it has
 * passed. WITHOUT ROWID (migration 0013).
 */
export const ARRIVAL_MINUTE_MS = 60_000;
/** every zone offset is a multiple of 15 minutes: a quarter-hour lies in one local day */
export const ARRIVAL_BUCKET_MS = 900_000;

export const arrivals = sqliteTable(
  'arrivals',
  {
    siteId: text('site_id').notNull(),
    minute: integer('minute').notNull(),
    side: text('side').notNull(),
    bucket: integer('bucket').notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.minute, t.side, t.bucket] })],
);

/** What the DLQ consumer received: nothing that failed vanishes silently. */
export const deadLetters = sqliteTable(
  'dead_letters',
  {
    id: text('id').primaryKey(), // the queue message id: a redelivered DLQ message is recorded once
    queue: text('queue').notNull(),
    siteId: text('site_id'),
    attempts: integer('attempts').notNull(),
    body: text('body').notNull(),
    receivedAt: integer('received_at').notNull(),
  },
  (t) => [index('dead_letters_received').on(t.receivedAt)],
);

/**
 * Counted drop reasons per site, UTC day and flush batch (bot, spam referrer, unknown site, …).
 * Keyed by the batch that carried them so a redelivered Queue message cannot count twice;
 * reports sum over batches.
 */
export const dropCounts = sqliteTable(
  'drop_counts',
  {
    day: text('day').notNull(),
    siteId: text('site_id').notNull(),
    reason: text('reason').notNull(),
    batchId: text('batch_id').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.siteId, t.reason, t.batchId] })],
);
