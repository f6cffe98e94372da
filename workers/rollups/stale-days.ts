/**
 * Which of a site's days the rollups do not hold yet (stale): those with rows inserted after the
 * site's watermark, found as quarter-hour buckets of event time. The refresh works them off; the
 * planner answers them raw when that is cheap. Days still waiting in `rollup_state.pending` are
 * stale too (the planner reads that column with the site).
 */
import type { QueryDb, Statement } from '../query/db';
import { localDay } from '../lib/timezone';

const QUARTER_HOUR = 900_000; // every zone offset is a multiple of 15 minutes

/**
 * The statement finding what was inserted after a watermark, as quarter-hour buckets of event time;
 * `watermark` null reads the site's stored one (so a query needs no round trip to learn it first),
 * and finds nothing for a site never refreshed (its rollups are not used at all).
 */
export function touchedStatement(site: string, watermark: number | null): Statement {
  const wm = watermark === null ? '(SELECT watermark FROM rollup_state WHERE site_id = ?1)' : '?3';
  const params = watermark === null ? [site, QUARTER_HOUR] : [site, QUARTER_HOUR, watermark];
  return {
    sql: `SELECT ts / ?2 AS b FROM events WHERE site_id = ?1 AND inserted_at > ${wm} UNION SELECT start / ?2 FROM sessions WHERE site_id = ?1 AND inserted_at > ${wm}`,
    params,
  };
}

/** The local days of touched quarter-hour buckets. */
export function bucketDays(buckets: { b: number }[], tz: string): string[] {
  return [...new Set(buckets.map((r) => localDay(r.b * QUARTER_HOUR, tz)))].sort();
}

/** Local days with rows inserted after the watermark. */
export async function touchedDays(db: QueryDb, site: string, tz: string, watermark: number): Promise<string[]> {
  const touched = touchedStatement(site, watermark);
  return bucketDays(await db.all<{ b: number }>(touched.sql, touched.params), tz);
}
