/**
 * Which of a site's days the rollups do not hold yet (stale): those with rows inserted after the
 * site's watermark, found as quarter-hour buckets of event time in `arrivals` (the consumer
 * writes them with the rows; workers/db/schema.ts). The refresh works them off; the planner
 * answers them raw when that is cheap. Days still waiting in `rollup_state.pending` are stale too
 * (the planner reads that column with the site).
 */
import type { QueryDb, Statement } from '../query/db';
import { localDay } from '../lib/timezone';
import { ARRIVAL_BUCKET_MS as QUARTER_HOUR, ARRIVAL_MINUTE_MS } from '../db/schema';

/**
 * The arrivals that may hold rows inserted after `wm` (SQL, an integer ms): the minute holding
 * the watermark and every later one. The watermark's own minute also holds rows the rollups have
 * counted: a superset, which costs at most a repeated, idempotent look at them. (CAST: a bound
 * number may reach SQLite as a real.)
 */
export const arrivedAfter = (site: string, wm: string): string => `site_id = ${site} AND minute >= CAST(${wm} / ${ARRIVAL_MINUTE_MS} AS INTEGER)`;

/** The same, for one side: `e` (events by ts) or `s` (sessions by start). */
export const sideArrivedAfter = (side: 'e' | 's', site: string, wm: string): string => `${arrivedAfter(site, wm)} AND side = '${side}'`;

/**
 * The statement finding what was inserted after a watermark, as quarter-hour buckets of event time;
 * `watermark` null reads the site's stored one (so a query needs no round trip to learn it first),
 * and finds nothing for a site never refreshed (its rollups are not used at all).
 */
export function touchedStatement(site: string, watermark: number | null): Statement {
  const wm = watermark === null ? '(SELECT watermark FROM rollup_state WHERE site_id = ?1)' : '?2';
  const params = watermark === null ? [site] : [site, watermark];
  return { sql: `SELECT DISTINCT bucket AS b FROM arrivals WHERE ${arrivedAfter('?1', wm)}`, params };
}

/**
 * A site's first run (no watermark yet): every bucket its rows are in. Read from the rows
 * themselves, once: rows loaded before arrivals existed, or straight into the tables (an import,
 * the bench's loader), have none.
 */
function everyBucketStatement(site: string): Statement {
  return { sql: 'SELECT DISTINCT ts / ?2 AS b FROM events WHERE site_id = ?1 UNION SELECT start / ?2 FROM sessions WHERE site_id = ?1', params: [site, QUARTER_HOUR] };
}

/** The local days of touched quarter-hour buckets. */
export function bucketDays(buckets: { b: number }[], tz: string): string[] {
  return [...new Set(buckets.map((r) => localDay(r.b * QUARTER_HOUR, tz)))].sort();
}

/** Local days with rows inserted after the watermark (every day with rows, before the first run). */
export async function touchedDays(db: QueryDb, site: string, tz: string, watermark: number): Promise<string[]> {
  const touched = watermark < 0 ? everyBucketStatement(site) : touchedStatement(site, watermark);
  return bucketDays(await db.all<{ b: number }>(touched.sql, touched.params), tz);
}
