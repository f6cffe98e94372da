/**
 * GDPR erasure (DESIGN §6) reaches the rollups too: an identified visitor's hashed id sits in the
 * rollup rows of every day they were seen. After the visitor's events and sessions are deleted,
 * rebuilding exactly those days drops the id and their share of every count.
 */
import { QueryDb } from '../query/db';
import { incrementalWindow } from './refresh';
import { rebuildDay } from './rebuild';
import { claimSite, runGuarded } from './run-lock';
import { HOURLY_DAYS } from './shape';
import { addDays, DAY_MS, dayStart, localDay } from '../lib/timezone';
import { forgetRetentionVisitor } from '../reports/retention/preagg';
import { forgetFunnelVisitor } from '../reports/funnels/preagg-rows';

/**
 * Takes an identified visitor's id out of the id lists of one day, in both tables, keeping the
 * counts of that day otherwise (their pageviews stay in the sums: no longer anyone's data).
 */
function stripStatements(site: string, day: string, visitorId: number): { sql: string; params: unknown[] }[] {
  const strip = (side: 'e' | 's') => `${side}_ident_visitors = ${side}_ident_visitors - EXISTS (SELECT 1 FROM json_each(${side}_ident_ids) WHERE value = ?3),`
    + ` ${side}_ident_ids = coalesce((SELECT json_group_array(value) FROM json_each(${side}_ident_ids) WHERE value != ?3), '[]')`;
  return ['rollup_daily', 'rollup_pairs'].map((table) => ({
    sql: `UPDATE ${table} SET ${strip('e')}, ${strip('s')} WHERE site_id = ?1 AND day = ?2`
      + ` AND (EXISTS (SELECT 1 FROM json_each(e_ident_ids) WHERE value = ?3) OR EXISTS (SELECT 1 FROM json_each(s_ident_ids) WHERE value = ?3))`,
    params: [site, day, visitorId],
  }));
}

/**
 * Call after deleting the visitor's rows from `events` and `sessions`. Days still inside the
 * site's retention are rebuilt from raw rows, which drops the visitor's share of every count.
 * Older days may have lost their raw rows to retention (the rollups are then all that is left),
 * so they are not rebuilt: the id is taken out of their lists instead.
 *
 * @example
 *   await forgetVisitorInRollups(env.DB, 'example.com', hashUid(secret, uid), Date.now());
 */
export async function forgetVisitorInRollups(d1: D1Database, site: string, visitorId: number, now: number): Promise<string[]> {
  const db = new QueryDb(d1);
  const [row] = await db.all<{ timezone: string; retention_days: number }>('SELECT timezone, retention_days FROM sites WHERE id = ?1', [site]);
  const tz = row?.timezone ?? 'UTC';
  // the site-total row of a day lists every identified visitor of that day
  const days = await db.all<{ day: string }>(
    `SELECT day FROM rollup_daily WHERE site_id = ?1 AND dim = '' AND dim2 = ''
       AND (EXISTS (SELECT 1 FROM json_each(e_ident_ids) WHERE value = ?2) OR EXISTS (SELECT 1 FROM json_each(s_ident_ids) WHERE value = ?2))`,
    [site, visitorId],
  );
  const recent = addDays(localDay(now, tz), -HOURLY_DAYS + 1);
  const retained = row ? now - row.retention_days * DAY_MS : -Infinity;
  // as a refresh run: one that overlaps stops, and incrementally kept days stay at the watermark
  const { token, state } = await claimSite(db, site, now);
  const kept = state.ledgerDays.filter((d) => incrementalWindow(now, tz).includes(d));
  for (const { day } of days) {
    if (dayStart(day, tz) < retained) await runGuarded(db, site, token, stripStatements(site, day, visitorId));
    else await rebuildDay(db, site, tz, day, { hourly: day >= recent, token, upTo: state.watermark, ledger: kept.includes(day) });
  }
  // the retention report's active days and first session hold the id whatever the day's age
  // and so do the stored funnels' id maps (rebuilt days dropped it already; older ones keep it otherwise)
  await runGuarded(db, site, token, [...forgetRetentionVisitor(site, visitorId), forgetFunnelVisitor(site, visitorId)]);
  return days.map((d) => d.day);
}
