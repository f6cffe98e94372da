/**
 * Rollups for the query engine (DESIGN §8a): daily aggregates per site, local day (site time zone)
 * and dimension value, daily pairs of dimensions (a filter plus a breakdown), and hourly aggregates
 * for recent days. Rebuilt per site-day by
 * workers/rollups/refresh.ts; a row never mixes data of two local days.
 * Both tables are WITHOUT ROWID (migration 0008; drizzle has no option for it, so the schema here
 * cannot say so): a range of days is one contiguous read of the primary key.
 */
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { attributionColumns } from './schema';

/** Sums shared by daily and hourly rows: `e_*` from events, `s_*` and visits from sessions. */
const sums = {
  /** distinct anonymous visitor ids (anonymous ids are daily, so days add up exactly) */
  eAnonVisitors: integer('e_anon_visitors').notNull().default(0),
  eIdentVisitors: integer('e_ident_visitors').notNull().default(0),
  pageviews: integer('pageviews').notNull().default(0),
  events: integer('events').notNull().default(0),
  sAnonVisitors: integer('s_anon_visitors').notNull().default(0),
  sIdentVisitors: integer('s_ident_visitors').notNull().default(0),
  visits: integer('visits').notNull().default(0),
  bounces: integer('bounces').notNull().default(0),
  duration: integer('duration').notNull().default(0),
  sPageviews: integer('s_pageviews').notNull().default(0),
  sEvents: integer('s_events').notNull().default(0),
};

/** Columns of a daily row: site-day, one or two dimension values, the sums and identified ids. */
const dailyColumns = {
  siteId: text('site_id').notNull(),
  day: text('day').notNull(), // YYYY-MM-DD in the site's zone
  dim: text('dim').notNull(),
  val: text('val').notNull(),
  dim2: text('dim2').notNull(),
  val2: text('val2').notNull(),
  ...sums,
  /** every event row of the day (site total only): bounds what a raw plan would scan */
  rawRows: integer('raw_rows').notNull().default(0),
  /**
   * JSON arrays of the identified visitor ids behind the row (events, sessions side): they keep
   * one id across days, so a range counts them distinct. Kept inline, not as rows of their own,
   * so a range query reads no more rows than the aggregate rows it sums.
   */
  eIdentIds: text('e_ident_ids').notNull().default('[]'),
  sIdentIds: text('s_ident_ids').notNull().default('[]'),
};

/** `dim = ''` is the site total, else a single dimension (`dim2 = ''`); pairs live in `rollup_pairs`. */
export const rollupDaily = sqliteTable('rollup_daily', dailyColumns, (t) => [
  // a breakdown over a range of days is one contiguous read of the key
  primaryKey({ columns: [t.siteId, t.dim, t.dim2, t.day, t.val, t.val2] }),
  // a site-day is rebuilt by deleting its rows first
  index('rollup_daily_day').on(t.siteId, t.day),
]);

/**
 * Daily pairs (dim filters dim2), keyed value first: a pair is only read for one filter value, so
 * "source = Google, by page" is one contiguous read of Google's rows over the range, not of every
 * source's.
 */
export const rollupPairs = sqliteTable('rollup_pairs', dailyColumns, (t) => [
  primaryKey({ columns: [t.siteId, t.dim, t.dim2, t.val, t.day, t.val2] }),
  index('rollup_pairs_day').on(t.siteId, t.day),
]);

/** Hourly rows for recent days (single dimensions only); visitors are distinct within the hour. */
export const rollupHourly = sqliteTable(
  'rollup_hourly',
  {
    siteId: text('site_id').notNull(),
    day: text('day').notNull(),
    hour: text('hour').notNull(), // 'YYYY-MM-DD HH:00:00' local, as the time:hour label
    dim: text('dim').notNull(),
    val: text('val').notNull(),
    ...sums,
  },
  (t) => [primaryKey({ columns: [t.siteId, t.dim, t.day, t.hour, t.val] }), index('rollup_hourly_day').on(t.siteId, t.day)],
);

/**
 * Per site: rows inserted after `watermark` (ms, `inserted_at`) are not yet in the rollups, nor
 * are the `pending` days (JSON list) a run had no time left for (a backlog after an import).
 */
export const rollupState = sqliteTable('rollup_state', {
  siteId: text('site_id').primaryKey(),
  watermark: integer('watermark').notNull(),
  pending: text('pending').notNull().default('[]'),
  refreshedAt: integer('refreshed_at').notNull(),
  /**
   * JSON list of the recent local days kept incrementally (workers/rollups/delta.ts): their rollups hold
   * exactly the events inserted up to `watermark` and the sessions in `rollup_ledger`.
   */
  ledgerDays: text('ledger_days').notNull().default('[]'),
  /**
   * 1 when the reports' pre-aggregates (vitals_daily, errors_daily, retention's behaviour_visitor_*)
   * hold the site's whole history: sites whose refresh began after they existed. Migration 0016
   * sets 0 for the sites already refreshed, whose earlier days those tables never saw: their
   * reports read raw rows (workers/reports/preagg-coverage.ts).
   */
  reportsPreagg: integer('reports_preagg').notNull().default(1),
});

/**
 * The session rows as the rollups of incrementally kept days last counted them, one per session
 * and day: a session row in D1 is replaced by each newer version, so what to subtract when it
 * changes is kept here. Only for the days in `rollup_state.ledger_days` (today and yesterday).
 */
export const rollupLedger = sqliteTable(
  'rollup_ledger',
  {
    siteId: text('site_id').notNull(),
    day: text('day').notNull(), // local day of `start`
    sessionId: text('session_id').notNull(),
    visitorId: integer('visitor_id').notNull(),
    identified: integer('identified').notNull(),
    start: integer('start').notNull(),
    duration: integer('duration').notNull(),
    pageviews: integer('pageviews').notNull(),
    events: integer('events').notNull(),
    isBounce: integer('is_bounce').notNull(),
    entryPage: text('entry_page'),
    exitPage: text('exit_page'),
    ...attributionColumns,
  },
  // keyed by visitor first: a run reads the touched visitors' sessions; no second index to write
  (t) => [primaryKey({ columns: [t.siteId, t.day, t.visitorId, t.sessionId] })],
);

/**
 * Which refresh run owns a site's rollups now. Every batch a run writes checks its token first,
 * so of two overlapping runs (a slow cron run, an erase) the later one wins and the earlier one
 * stops before it can apply the same rows twice.
 */
export const rollupRuns = sqliteTable('rollup_runs', {
  siteId: text('site_id').primaryKey(),
  token: text('token').notNull(),
  startedAt: integer('started_at').notNull(),
});
