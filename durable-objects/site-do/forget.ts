import { migrateStorage } from './storage-schema';

/**
 * What the SiteDO forgets on request: one identified visitor (GDPR erasure, DESIGN §6) or the whole
 * site (site delete). Events wait in the outbox for up to a flush, sessions stay open for 30
 * minutes and realtime rows for 30, so an erasure that only cleaned D1 would be undone by the next
 * flush; these run before D1 is cleaned.
 */

export interface ForgottenVisitor {
  events: number;
  sessions: number;
  realtime: number;
}

/**
 * Deletes the visitor's waiting events, sessions (and their pending snapshots) and realtime rows.
 * Call inside `transactionSync`. Realtime rows carry no `identified` flag: an anonymous visitor
 * whose 53-bit id collides loses a few minutes of realtime presence, never stored data.
 */
export function forgetVisitor(sql: SqlStorage, visitorId: number): ForgottenVisitor {
  const events = sql.exec(
    "DELETE FROM outbox_events WHERE json_extract(body, '$.visitorId') = ? AND json_extract(body, '$.identified') = 1",
    visitorId,
  ).rowsWritten;
  const ids = sql
    .exec<{ id: string }>("SELECT id FROM sessions WHERE visitor_id = ? AND json_extract(body, '$.identified') = 1", visitorId)
    .toArray()
    .map((r) => r.id);
  // a pending snapshot whose session is gone would never send (the outbox joins them) nor leave
  for (const id of ids) sql.exec('DELETE FROM outbox_sessions WHERE id = ?', id);
  const sessions = ids.length ? sql.exec("DELETE FROM sessions WHERE visitor_id = ? AND json_extract(body, '$.identified') = 1", visitorId).rowsWritten : 0;
  const realtime =
    sql.exec('DELETE FROM rt_events WHERE visitor_id = ?', visitorId).rowsWritten +
    sql.exec('DELETE FROM rt_minute_visitors WHERE visitor_id = ?', visitorId).rowsWritten;
  return { events, sessions, realtime };
}

/** The meta key that remembers the newest deleted incarnation of the site (`sites.created_at`). */
const RETIRED_KEY = 'retired_incarnation';

/**
 * Forgets everything (outbox, sessions, realtime, salts, the site's config; tables not yet
 * invented too), closes the live sockets, and remembers only that the incarnation created at
 * `createdAt` is gone, so a collector still holding it in its cache cannot bring the site back.
 * Returns the newest retired incarnation.
 */
export async function forgetSite(ctx: DurableObjectState, createdAt: number): Promise<number> {
  const { storage } = ctx;
  const retired = Math.max(createdAt, readRetired(storage.sql) ?? -Infinity);
  await ctx.blockConcurrencyWhile(async () => {
    await storage.deleteAlarm();
    await storage.deleteAll();
    migrateStorage(storage.sql);
    storage.sql.exec('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', RETIRED_KEY, String(retired));
  });
  for (const ws of ctx.getWebSockets()) ws.close(1000, 'site deleted');
  return retired;
}

/** The newest deleted incarnation, or null if the site was never deleted here. */
export function readRetired(sql: SqlStorage): number | null {
  const row = sql.exec<{ value: string }>('SELECT value FROM meta WHERE key = ?', RETIRED_KEY).toArray()[0];
  return row ? Number(row.value) : null;
}

/**
 * The answer for events of a deleted incarnation (`createdAt` from the collector's config): all
 * dropped as an unknown site, nothing stored. Null when the incarnation is alive.
 */
export function refuseRetired(retired: number | null, createdAt: number | undefined, count: number) {
  if (retired === null || (createdAt ?? -Infinity) > retired) return null;
  return { accepted: 0, dropped: count ? { unknown_site: count } : {}, outcomes: Array.from({ length: count }, () => 'unknown_site' as const) };
}
