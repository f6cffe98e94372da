/**
 * Test traffic written the way production writes it, not by a second implementation: a visit's
 * session is built by the SiteDO's own session functions (durable-objects/site-do/sessions.ts),
 * each event is what the SiteDO stores for it, and the D1 rows come from the consumer's own
 * statements for a Queue message (workers/consumer/write-d1.ts) — with the insertion time a test
 * chooses as the consumer's `now`.
 */
import type { CollectedEvent, QueueMessageBody, StoredEvent, StoredSession } from '../../contract/events';
import { extendSession, isPassive, openSession, visitAttribution } from '../../durable-objects/site-do/sessions';
import { writeStatements } from '../../workers/consumer/write-d1';

/** The visit a test assigns an event to (the SiteDO finds it by visitor and time; tests name it). */
export interface VisitRef {
  sessionId: string;
  site: string;
  visitorId: number;
  identified: boolean;
}

/**
 * The visit's session once `event` has joined it, as the SiteDO assigns it: extended, or opened by
 * the event; null for a passive event with no session to join (the SiteDO drops it, `no_session`).
 */
export function sessionWith(session: StoredSession | null, event: CollectedEvent, visit: VisitRef): StoredSession | null {
  if (session) return extendSession(session, event);
  if (isPassive(event)) return null;
  return openSession(visit.sessionId, visit.site, visit.visitorId, visit.identified, event);
}

/** The event as the SiteDO stores it, given its session after it joined: no ip, ua or uid; the visit's attribution. */
export function storedEvent(event: CollectedEvent, session: StoredSession, id: string): StoredEvent {
  const { ip: _ip, ua: _ua, uid: _uid, ...rest } = event;
  return { ...rest, ...visitAttribution(session), id, visitorId: session.visitorId, sessionId: session.id, identified: session.identified };
}

/** A Queue message as the SiteDO's outbox sends it (no drops: tests of drops use the SiteDO itself). */
export function queueMessage(site: string, batchId: string, events: StoredEvent[], sessions: StoredSession[]): QueueMessageBody {
  return { site, batchId, events, sessions, drops: [] };
}

/**
 * Writes messages with the consumer's statements, each as inserted at its `insertedAt` (the
 * consumer's `now`), in order and in one D1 batch.
 */
export async function writeMessages(db: D1Database, messages: { body: QueueMessageBody; insertedAt: number }[]): Promise<void> {
  const statements = messages.flatMap((m) => writeStatements(db, m.body, m.insertedAt));
  if (statements.length) await db.batch(statements);
}
