/**
 * Pre-aggregates of the vitals and errors reports (DESIGN §4a, §8a), written beside the rollups
 * by the same `*∕5` refresh (workers/reports/vitals/refresh.ts, workers/reports/errors/refresh.ts)
 * and read by their reports. Keyed dimension first, then day, so "30 days by page" is one
 * contiguous key range; no secondary index (each would be one more row written per row).
 * They hold no visitor ids (erasure leaves them as they are, like the rollups' anonymous counts).
 */
import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Web-vital histograms per site, local day and dimension value (`dim` = '' for the site total,
 * `event:page`, `visit:device`, `visit:browser`, `visit:country`). `hist` is one flat JSON
 * object: `"<METRIC>:<bucket>": count` (workers/reports/vitals/histogram.ts: log-spaced buckets)
 * and `"<METRIC>:g|n|p": count` (good, needs improvement, poor): every key is a count, so merging
 * two rows is adding their keys.
 */
export const vitalsDaily = sqliteTable(
  'vitals_daily',
  {
    siteId: text('site_id').notNull(),
    dim: text('dim').notNull(),
    day: text('day').notNull(), // YYYY-MM-DD in the site's zone
    val: text('val').notNull(),
    hist: text('hist').notNull().default('{}'),
    /** the row's samples, all metrics: a breakdown picks its top rows by these without reading `hist` */
    samples: integer('samples').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.dim, t.day, t.val] })],
);

/**
 * Error groups per site, local day and fingerprint (workers/reports/errors/fingerprint.ts), for
 * the group (`dim` = '', with the newest message, source, line and one sample stack) and per page
 * and browser (`dim` = `event:page` | `visit:browser`, `val` the value). `visitors` are distinct
 * visitor ids of the day (anonymous ids are daily, so a range adds them up, as DESIGN §5).
 */
export const errorsDaily = sqliteTable(
  'errors_daily',
  {
    siteId: text('site_id').notNull(),
    dim: text('dim').notNull(),
    day: text('day').notNull(),
    fingerprint: text('fingerprint').notNull(),
    val: text('val').notNull(),
    events: integer('events').notNull().default(0),
    visitors: integer('visitors').notNull().default(0),
    firstTs: integer('first_ts').notNull(),
    lastTs: integer('last_ts').notNull(),
    message: text('message'),
    source: text('source'),
    line: text('line'),
    stack: text('stack'),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.dim, t.day, t.fingerprint, t.val] })],
);
