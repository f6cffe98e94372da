import type { CollectedEvent, StoredSession } from '../../contract/events';
import { sessionCovers, SESSION_IDLE_MS } from '../../contract/sessions';
import { markSessionDue } from './outbox';
import { extendSession, isPassive, openSession } from './sessions';

/**
 * The SiteDO's open sessions in its SQLite: finds or opens the visitor's session covering the
 * event, stores the new version and marks it due for the outbox; null for an orphan passive event
 * (it joins a session but never opens one). Runs inside `ingest`'s synchronous transaction.
 */
export function assignSession(sql: SqlStorage, site: string, event: CollectedEvent, visitorId: number, identified: boolean, now: number): StoredSession | null {
  const candidates = sql
    .exec<{ body: string }>('SELECT body FROM sessions WHERE visitor_id = ? AND end >= ? ORDER BY end DESC', visitorId, event.ts - SESSION_IDLE_MS)
    .toArray()
    .map((row) => JSON.parse(row.body) as StoredSession);
  const current = candidates.find((s) => sessionCovers(s, event.ts));
  let session: StoredSession;
  if (current) session = extendSession(current, event);
  else if (isPassive(event)) return null;
  else session = openSession(crypto.randomUUID(), site, visitorId, identified, event);
  sql.exec(
    'INSERT OR REPLACE INTO sessions (id, visitor_id, start, end, touched_at, body) VALUES (?, ?, ?, ?, ?, ?)',
    session.id,
    visitorId,
    session.start,
    session.end,
    now,
    JSON.stringify(session),
  );
  markSessionDue(sql, session);
  return session;
}
