/**
 * The retention report's pre-aggregates (workers/reports/retention/preagg.ts), kept by the rollups'
 * `*∕5` refresh from the sessions it touched, rebuilt with a day, erased with a visitor and pruned
 * with the raw rows by the retention cron. Identified visitors only: anonymous ids are daily.
 */
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The local days on which an identified visitor started a session, a month to a row: `days` has
 * bit d-1 set for day d of `month` (`YYYY-MM`). A row per visitor and month rather than per day:
 * a cohort's members' active days are then one or two rows each (30 days of a visitor active
 * daily read 1–2 rows, not 30), which keeps a 12-week retention under 50k rows read. Keyed by
 * visitor first (each member's months are one key range); the month index lets a rebuilt day and
 * the retention cron find a month's rows. A new active day is one row written (`days | bit`,
 * written only when the bit is new); a repeated session on a known day writes nothing.
 */
export const behaviourVisitorDays = sqliteTable(
  'behaviour_visitor_days',
  {
    siteId: text('site_id').notNull(),
    visitorId: integer('visitor_id').notNull(),
    month: text('month').notNull(), // YYYY-MM in the site's zone
    days: integer('days').notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.visitorId, t.month] }), index('behaviour_visitor_days_month').on(t.siteId, t.month)],
);

/**
 * Each identified visitor's first session in the data kept (its local day, start and id): the
 * cohort a visitor joins, found by day through the index without reading every session of the
 * site; the session id lets a filter test that session alone (acquisition cohorts). Only ever
 * moved to an earlier session, except by retention pruning and erasure.
 */
export const behaviourVisitorFirst = sqliteTable(
  'behaviour_visitor_first',
  {
    siteId: text('site_id').notNull(),
    visitorId: integer('visitor_id').notNull(),
    day: text('day').notNull(),
    start: integer('start').notNull(),
    sessionId: text('session_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.visitorId] }), index('behaviour_visitor_first_day').on(t.siteId, t.day)],
);
