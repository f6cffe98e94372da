/**
 * What SiteDO.ingest does to each event inside its storage transaction, in event time: the
 * event's session (or a drop), its one log row (the 202's durability, which also rebuilds the
 * session change: rebuild.ts), the open session held, and its place in the realtime window and
 * the live feed. The caller owns the transaction, the ordering and the drop counts.
 */
import type { CollectedEvent, DropReason, StoredEvent } from '../../contract/events';
import type { LiveEvent } from '../../contract/realtime';
import type { ErrorCap } from './error-cap';
import type { OutboxLog } from './outbox-log';
import type { RealtimeWindow } from './realtime/window';
import { toLiveEvent } from './realtime/events';
import { realtimeCounts, realtimeRow } from './rebuild';
import type { OpenSessions } from './session-store';
import { isPassive, visitAttribution } from './sessions';

export interface AcceptState {
  sessions: OpenSessions;
  errorCap: ErrorCap;
  log: OutboxLog;
  realtime: RealtimeWindow;
}

export interface AcceptOutcome {
  /** the event at index `i` of `ordered` is dropped for `reason` */
  drop(i: number, reason: DropReason): void;
  accepted(): void;
  /** live events for viewers, or null when nobody watches */
  live: LiveEvent[] | null;
}

export function acceptEvents(
  state: AcceptState,
  siteId: string,
  ordered: CollectedEvent[],
  visitors: { id: number; identified: boolean }[],
  now: number,
  out: AcceptOutcome,
): void {
  ordered.forEach((event, i) => {
    const visitor = visitors[i]!;
    const session = state.sessions.assign(siteId, event, visitor.id, visitor.identified);
    if (!session) return out.drop(i, 'no_session');
    if (event.name === 'error' && !state.errorCap.take(session.id)) return out.drop(i, 'error_cap');
    const { ip: _ip, ua: _ua, uid: _uid, ...rest } = event;
    // DESIGN §5: source, referrer, UTM, channel, device and geo are the visit's, from its first
    // event, so a later pageview reached by an internal link still counts for the visit's source.
    const stored: StoredEvent = { ...rest, ...visitAttribution(session), id: crypto.randomUUID(), visitorId: visitor.id, sessionId: session.id, identified: visitor.identified };
    // The one row this event writes; it also rebuilds the session change below (rebuild.ts).
    const seq = state.log.append('e', now, JSON.stringify(stored));
    state.sessions.hold(session, now, state.log.current, seq);
    out.accepted();
    if (!realtimeCounts(event, now)) return;
    const row = realtimeRow(stored, session);
    state.realtime.record(now, row);
    if (!isPassive(event)) out.live?.push(toLiveEvent(now, row));
  });
}
