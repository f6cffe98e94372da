/**
 * The journeys report's pre-aggregate (workers/reports/journeys/preagg-*.ts), kept by the rollups'
 * `*∕5` refresh for the days it touched (recomputed from the raw pageviews of the settled
 * sessions and written as the difference to what is stored), erased with a visitor (a rebuilt
 * day) and pruned by retention.
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Per site, local day (of a session's first pageview), list and key, the settled sessions
 * counted there (preagg-write.ts). Lists (workers/reports/journeys/preagg-rows.ts): `p<k>` a
 * journey's first k positions when it goes on past them, `x<k>` a whole journey of k positions
 * ending in `(exit)` (or cut at MAX_STEPS), `t<i>` the transitions at position i, `n` the day's
 * sessions. `key` is the pages as a JSON array (transitions: [from, to]). `anon` and `ids` list
 * the anonymous (daily) and identified visitor ids as JSON arrays (null: none, and always for
 * transitions): the read unions them with the sessions not settled yet.
 * `bucket` is the log-spaced class of `sessions` (about 25 % wide, 0 for a count of 1): the rank
 * index reads a day's list best-first (the threshold algorithm's sorted access) and changes only
 * when a count crosses a class, not on every +1. The index is partial (`bucket > 0`): most rows
 * count one session (unique paths past the second page), and an unindexed row is 1 row written,
 * not 2; the read bounds a list's unindexed tail by 1 and reads it only when the top is that thin.
 * Keyed by day first: a day's rows are one key range for its recompute and for pruning.
 * WITHOUT ROWID (hand edit in the migration): a new row is 1 row written, not 2.
 */
export const journeyDaily = sqliteTable(
  'journey_daily',
  {
    siteId: text('site_id').notNull(),
    day: text('day').notNull(), // YYYY-MM-DD in the site's zone
    list: text('list').notNull(),
    key: text('key').notNull(),
    sessions: integer('sessions').notNull(),
    anon: text('anon'),
    ids: text('ids'),
    bucket: integer('bucket').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.siteId, t.day, t.list, t.key] }),
    index('journey_daily_rank').on(t.siteId, t.day, t.list, t.bucket).where(sql`${t.bucket} > 0`),
  ],
);
