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

/**
 * The spans built (workers/reports/journeys/spans.ts): a run of `days` whole days from `start`
 * whose rows are in `journey_span_rows`. The read uses a span only when its marker is here; the
 * writers change a span's rows only then too (spans-write.ts).
 */
export const journeySpans = sqliteTable(
  'journey_spans',
  {
    siteId: text('site_id').notNull(),
    start: text('start').notNull(), // YYYY-MM-DD in the site's zone
    days: integer('days').notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.start, t.days] })],
);

/**
 * Per built span, list and key: the sessions of its days' `journey_daily` rows summed, only where
 * the sum is at least SPAN_MIN_SESSIONS (6; spans.ts): a key counting less has no row, the read
 * bounds it by 5 and sums the days when it needs the count. `bucket` as in journey_daily; every
 * row is ranked, so the rank index is whole. WITHOUT ROWID (hand edit in the migration).
 */
export const journeySpanRows = sqliteTable(
  'journey_span_rows',
  {
    siteId: text('site_id').notNull(),
    start: text('start').notNull(),
    days: integer('days').notNull(),
    list: text('list').notNull(),
    key: text('key').notNull(),
    sessions: integer('sessions').notNull(),
    bucket: integer('bucket').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.siteId, t.start, t.days, t.list, t.key] }),
    index('journey_span_rank').on(t.siteId, t.start, t.days, t.list, t.bucket),
  ],
);
