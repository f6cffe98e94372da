/**
 * GDPR erasure (DESIGN §6) reaches the rollups too: an identified visitor's hashed id sits in the
 * rollup rows of every day they were seen. After the visitor's events and sessions are deleted,
 * rebuilding exactly those days drops the id and their share of every count.
 */
import { QueryDb } from './db';
import { HOURLY_DAYS, rebuildDay } from './refresh-rollups';
import { addDays, localDay } from './timezone';

/**
 * Call after deleting the visitor's rows from `events` and `sessions`.
 *
 * @example
 *   await forgetVisitorInRollups(env.DB, 'example.com', hashUid(secret, uid), Date.now());
 */
export async function forgetVisitorInRollups(d1: D1Database, site: string, visitorId: number, now: number): Promise<string[]> {
  const db = new QueryDb(d1);
  const tz = (await db.all<{ timezone: string }>('SELECT timezone FROM sites WHERE id = ?1', [site]))[0]?.timezone ?? 'UTC';
  // the site-total row of a day lists every identified visitor of that day
  const days = await db.all<{ day: string }>(
    `SELECT day FROM rollup_daily WHERE site_id = ?1 AND dim = '' AND dim2 = ''
       AND (EXISTS (SELECT 1 FROM json_each(e_ident_ids) WHERE value = ?2) OR EXISTS (SELECT 1 FROM json_each(s_ident_ids) WHERE value = ?2))`,
    [site, visitorId],
  );
  const recent = addDays(localDay(now, tz), -HOURLY_DAYS + 1);
  for (const { day } of days) await rebuildDay(db, site, tz, day, day >= recent);
  return days.map((d) => d.day);
}
