/**
 * What a session (visit) is (DESIGN §5), as the SiteDO builds it and the consumer stores it:
 * events of one visitor with no gap over 30 minutes, in event time. Bounce: fewer than two
 * pageviews and no interactive custom event. Duration: last event time minus first, in seconds.
 */
import type { StoredSession } from './events';

export const SESSION_IDLE_MS = 30 * 60_000;

/** Does an event at `ts` belong to this session (within 30 minutes of its span)? */
export function sessionCovers(session: Pick<StoredSession, 'start' | 'end'>, ts: number): boolean {
  return ts >= session.start - SESSION_IDLE_MS && ts <= session.end + SESSION_IDLE_MS;
}

export function isBounce(session: Pick<StoredSession, 'pageviews' | 'interactiveEvents'>): boolean {
  return session.pageviews < 2 && session.interactiveEvents === 0;
}

export function durationSeconds(session: Pick<StoredSession, 'start' | 'end'>): number {
  return Math.round((session.end - session.start) / 1000);
}
