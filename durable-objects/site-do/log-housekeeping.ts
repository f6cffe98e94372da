import { SESSION_IDLE_MS } from '../../contract/sessions';
import type { OutboxLog } from './outbox-log';
import type { OpenSessions } from './session-store';

/** A new log generation this often (or at this many rows): each costs a CREATE TABLE, 2 rows. */
const ROTATE_MS = 10 * 60_000;
const ROTATE_ROWS = 50_000;
/**
 * A sent generation is kept this long after its last row, for rebuilds: the realtime window (30
 * min and its oldest whole minute), and sessions, so only those lasting longer get a checkpoint.
 */
const RETAIN_MS = 45 * 60_000;
/**
 * When a generation goes, a session whose start it held is checkpointed if an event at most this
 * late could still join it (or the Queue lacks its newest version), else forgotten, in memory as in
 * a rebuild. So an event that arrives at most 5 minutes after its own time always finds its visit;
 * one later than that (a backfill) finds it while the visit's rows are kept, ≥ 45 min after them.
 */
const LATE_EVENT_MS = 5 * 60_000;

/**
 * The alarm's care of the SiteDO's log (outbox-log.ts), inside its transaction: a new generation
 * every ROTATE_MS; the oldest dropped whole once sent and older than RETAIN_MS, after a checkpoint
 * row for each session it started that may still grow.
 */
export function housekeep(log: OutboxLog, sessions: OpenSessions, now: number): void {
  log.rotateIfDue(now, ROTATE_MS, ROTATE_ROWS);
  for (let gen = log.droppable(now - RETAIN_MS); gen !== null; gen = log.droppable(now - RETAIN_MS)) {
    for (const held of [...sessions.all()]) {
      if (held.baseGen > gen) continue;
      const mayGrow = held.session.end + SESSION_IDLE_MS >= now - LATE_EVENT_MS;
      // forgotten only when no later row would bring it back, half-built, in a rebuild
      if (!mayGrow && held.sentVersion >= held.session.version && held.lastGen <= gen) {
        sessions.forget(held.session.id);
        continue;
      }
      log.append('s', held.touched, JSON.stringify(held.session));
      held.baseGen = held.lastGen = log.current;
    }
    log.drop(gen);
  }
}
