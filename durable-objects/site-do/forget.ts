import { migrateStorage } from './storage-schema';
import type { Outbox } from './outbox';
import type { RealtimeWindow } from './realtime/window';

/**
 * What the SiteDO forgets on request: one identified visitor (GDPR erasure, DESIGN §6) or the whole
 * site (site delete). Events wait in the outbox for up to a flush, sessions stay open for 30
 * minutes and realtime rows for 30, so an erasure that only cleaned D1 would be undone by the next
 * flush, and a rebuild from the log would bring back what only memory forgot; these run before
 * D1 is cleaned.
 */

export interface ForgottenVisitor {
  events: number;
  sessions: number;
  realtime: number;
}

/**
 * Deletes the visitor's logged events (sent or not: a rebuild replays the log) and session
 * checkpoints, and their sessions and realtime presence in memory. Call inside `transactionSync`.
 * `events` counts the events that were still waiting for the Queue. Realtime entries carry no
 * `identified` flag: an anonymous visitor whose 53-bit id collides loses a few minutes of
 * realtime presence, never stored data.
 */
export function forgetVisitor(outbox: Pick<Outbox, 'log' | 'sessions'>, realtime: RealtimeWindow, visitorId: number): ForgottenVisitor {
  const { unsent } = outbox.log.deleteWhere("json_extract(body, '$.visitorId') = ? AND json_extract(body, '$.identified') = 1", visitorId);
  const sessions = outbox.sessions.forgetVisitor(visitorId);
  return { events: unsent, sessions, realtime: realtime.forgetVisitor(visitorId) };
}

/** The meta key that remembers the newest deleted incarnation of the site (`sites.created_at`). */
const RETIRED_KEY = 'retired_incarnation';

/**
 * Forgets everything (outbox, sessions, realtime, salts, the site's config; tables not yet
 * invented too), closes the live sockets, and remembers only that the incarnation created at
 * `createdAt` is gone, so a collector still holding it in its cache cannot bring the site back.
 * Returns the newest retired incarnation.
 */
export async function forgetSite(ctx: DurableObjectState, sql: SqlStorage, createdAt: number): Promise<number> {
  const { storage } = ctx;
  const retired = Math.max(createdAt, readRetired(sql) ?? -Infinity);
  await ctx.blockConcurrencyWhile(async () => {
    await storage.deleteAlarm();
    await storage.deleteAll();
    migrateStorage(sql);
    sql.exec('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', RETIRED_KEY, String(retired));
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
