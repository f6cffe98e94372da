/**
 * The journeys report's pre-aggregate (workers/reports/journeys/preagg-*.ts), kept by the rollups'
 * `*∕5` refresh for the days it touched (recomputed from the raw pageviews and written as the
 * difference to what is stored), erased with a visitor (a rebuilt day) and pruned by retention.
 */
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Per site, local day (of a session's first pageview), list and key, the sessions (and for paths
 * the visitors) counted there. Lists (workers/reports/journeys/preagg-rows.ts): `p<k>` a journey's
 * first k positions when it goes on past them, `x<k>` a whole journey of k positions ending in
 * `(exit)` (or cut at MAX_STEPS), `t<i>` the transitions at position i, `n` the day's sessions.
 * `key` is the pages as a JSON array (transitions: [from, to]). `visitors` are anonymous ids
 * (daily: days add up), `ids` the identified ids as a JSON array (null: none).
 * `bucket` is the log-spaced class of `sessions` (about 25 % wide): the index reads a day's list
 * best-first (the threshold algorithm's sorted access) and changes only when a count crosses a
 * class, not on every +1. Keyed list and key first: a path's 30 days are one key range.
 * WITHOUT ROWID (hand edit in the migration): a new row is 2 rows written, not 3.
 */
export const journeyDaily = sqliteTable(
  'journey_daily',
  {
    siteId: text('site_id').notNull(),
    list: text('list').notNull(),
    key: text('key').notNull(),
    day: text('day').notNull(), // YYYY-MM-DD in the site's zone
    sessions: integer('sessions').notNull(),
    visitors: integer('visitors').notNull().default(0),
    ids: text('ids'),
    bucket: integer('bucket').notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.list, t.key, t.day] }), index('journey_daily_rank').on(t.siteId, t.day, t.list, t.bucket)],
);
