import type { StoredEvent, StoredSession } from '../../contract/events';
import type { OutboxLog } from './outbox-log';
import { OpenSessions } from './session-store';
import { RealtimeWindow, WINDOW_MS, type RealtimeRow } from './realtime/window';

/**
 * What an evicted or restarted SiteDO rebuilds from its log (outbox-log.ts), in the order the rows
 * were written: sessions (checkpoint rows set a session as it was; event rows extend or open it
 * through the same functions `ingest` used, by the session id they got, so versions, entry page,
 * attribution and counts come out the same) and the realtime window (event rows carry their
 * arrival time). Sessions changed by rows after the sessions cursor are due for the Queue again.
 * Then the same forgetting as the alarm's, at wall-clock `now`.
 */
export function rebuild(log: OutboxLog, now: number, forgetBefore: number): { sessions: OpenSessions; realtime: RealtimeWindow } {
  const sessions = new OpenSessions();
  const realtime = new RealtimeWindow();
  const { sessions: sentThrough } = log.cursor;
  for (const row of log.rows()) {
    let session: StoredSession;
    if (row.kind === 's') {
      session = JSON.parse(row.body) as StoredSession;
      sessions.forget(session.id);
      sessions.hold(session, row.at, row.gen, row.seq, true);
    } else {
      const event = JSON.parse(row.body) as StoredEvent;
      session = sessions.replay(event);
      sessions.hold(session, row.at, row.gen, row.seq);
      if (realtimeCounts(event, row.at)) realtime.record(row.at, realtimeRow(event, session));
    }
    if (row.seq <= sentThrough) sessions.markSent(session.id);
  }
  sessions.forgetUntouched(forgetBefore);
  realtime.prune(now);
  return { sessions, realtime };
}

/** Realtime is "what happens now": a backfilled or long-delayed event does not count. */
export function realtimeCounts(event: { ts: number }, at: number): boolean {
  return event.ts >= at - WINDOW_MS;
}

export function realtimeRow(event: StoredEvent, session: StoredSession): RealtimeRow {
  return { id: event.id, visitorId: event.visitorId, name: event.name, pathname: event.pathname, source: session.source, country: event.country, device: event.device };
}
