/**
 * The stored funnels' pre-aggregates (workers/reports/funnels/preagg.ts), kept by the rollups'
 * `*∕5` refresh, rebuilt with a day, erased with a visitor and pruned by the retention cron.
 */
import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Per stored funnel, site-local day and step (1-based): the attempts of that day (a session's
 * events from its first step-1 event of the day) that reached the step. `visitors` counts
 * anonymous visitors (daily ids, so days add up); `ids` maps each identified visitor who reached
 * the step that day to the histogram bucket of their time from the previous step (`{"<id>": b}`,
 * so a range takes their union and each one's best day); `hist` counts the anonymous visitors'
 * times by bucket (`{"<bucket>": n}`, funnels/daily.ts: log-spaced, 5 % wide). A row per
 * funnel, day and step: a 30-day report of 4 steps reads 120 rows.
 */
export const funnelDaily = sqliteTable(
  'funnel_daily',
  {
    siteId: text('site_id').notNull(),
    funnelId: text('funnel_id').notNull(),
    day: text('day').notNull(),
    step: integer('step').notNull(),
    visitors: integer('visitors').notNull(),
    hist: text('hist').notNull(),
    ids: text('ids').notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.funnelId, t.day, t.step] })],
);

/**
 * Which days of a stored funnel `funnel_daily` holds: every day from `built_from` on (the
 * refresh keeps the recent ones and backfills older ones, newest first), for the definition
 * whose hash is `definition` (its steps with their goals spelled out: a changed goal is a new
 * definition, built again). `built_from` '' : nothing built yet; `complete` 1: no older day of
 * the site has rows, so any range is covered.
 */
export const funnelPreagg = sqliteTable(
  'funnel_preagg',
  {
    siteId: text('site_id').notNull(),
    funnelId: text('funnel_id').notNull(),
    definition: text('definition').notNull(),
    builtFrom: text('built_from').notNull(),
    complete: integer('complete').notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.funnelId] })],
);
