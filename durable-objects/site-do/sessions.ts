import { AUTOMATIC_EVENT_NAMES, PASSIVE_EVENT_NAMES, type CollectedEvent, type StoredSession } from '../../contract/events';
import { pickAttribution, type VisitAttribution } from '../../contract/attribution';

/**
 * Building sessions in event time, inside the SiteDO (the rules are contract/sessions.ts). Entry and
 * exit page come from pageviews; attribution, device and geo from the first event. Passive events
 * (engagement, web vitals, errors) are sent by the page about itself, often as it is hidden: they
 * join a session but neither open nor extend it, so they never create a visit or stretch it.
 */
const NON_INTERACTIVE_NAMES = new Set(AUTOMATIC_EVENT_NAMES);
const PASSIVE_NAMES = new Set(PASSIVE_EVENT_NAMES);

export function isPassive(event: Pick<CollectedEvent, 'name'>): boolean {
  return PASSIVE_NAMES.has(event.name);
}

/** A new session opened by `event`. */
export function openSession(id: string, site: string, visitorId: number, identified: boolean, event: CollectedEvent): StoredSession {
  const isPageview = event.name === 'pageview';
  return {
    id,
    site,
    visitorId,
    identified,
    version: 1,
    start: event.ts,
    end: event.ts,
    pageviews: isPageview ? 1 : 0,
    events: 1,
    interactiveEvents: countsAsInteraction(event) ? 1 : 0,
    entryPage: isPageview ? event.pathname : null,
    exitPage: isPageview ? event.pathname : null,
    entryAt: isPageview ? event.ts : null,
    exitAt: isPageview ? event.ts : null,
    ...firstTouch(event),
  };
}

/** `session` with `event` added; returns a new object with `version` bumped. */
export function extendSession(session: StoredSession, event: CollectedEvent): StoredSession {
  const next: StoredSession = { ...session, version: session.version + 1, events: session.events + 1 };
  if (isPassive(event)) return next;
  if (countsAsInteraction(event)) next.interactiveEvents += 1;
  if (event.ts < session.start) Object.assign(next, firstTouch(event), { start: event.ts });
  if (event.ts > session.end) next.end = event.ts;
  if (event.name === 'pageview') {
    next.pageviews += 1;
    if (next.entryAt === null || event.ts < next.entryAt) Object.assign(next, { entryPage: event.pathname, entryAt: event.ts });
    if (next.exitAt === null || event.ts >= next.exitAt) Object.assign(next, { exitPage: event.pathname, exitAt: event.ts });
  }
  return next;
}

function countsAsInteraction(event: CollectedEvent): boolean {
  return event.interactive && !NON_INTERACTIVE_NAMES.has(event.name);
}

/** The visit's attribution, device and geo, which every event of the visit carries (DESIGN §5). */
export function visitAttribution(session: StoredSession): VisitAttribution {
  return pickAttribution(session);
}

function firstTouch(event: CollectedEvent | StoredSession) {
  return { hostname: event.hostname, ...pickAttribution(event) };
}
