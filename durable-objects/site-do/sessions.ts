import type { CollectedEvent, StoredSession } from '../../workers/lib/event-types';

/**
 * Sessions in event time (DESIGN §5): events of one visitor with no gap over 30 minutes.
 * Entry and exit page come from pageviews; attribution, device and geo from the first event.
 * Bounce: fewer than two pageviews and no interactive custom event. Duration: last event time
 * minus first, in seconds. Passive events (engagement, web vitals, errors) are sent by the page
 * about itself, often as it is hidden: they join a session but neither open nor extend it, so
 * they never create a visit or stretch its duration.
 */
export const SESSION_IDLE_MS = 30 * 60_000;

/** Events that are not interactions of the visitor: they never un-bounce a session. */
const NON_INTERACTIVE_NAMES = new Set(['pageview', 'engagement', 'web-vital', 'error']);

export const PASSIVE_NAMES = new Set(['engagement', 'web-vital', 'error']);

export function isPassive(event: Pick<CollectedEvent, 'name'>): boolean {
  return PASSIVE_NAMES.has(event.name);
}

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
export function visitAttribution(session: StoredSession) {
  const { hostname: _eventKeepsItsOwn, ...visit } = firstTouch(session);
  return visit;
}

function firstTouch(event: CollectedEvent | StoredSession) {
  return {
    hostname: event.hostname,
    referrer: event.referrer,
    source: event.source,
    channel: event.channel,
    utmSource: event.utmSource,
    utmMedium: event.utmMedium,
    utmCampaign: event.utmCampaign,
    utmContent: event.utmContent,
    utmTerm: event.utmTerm,
    device: event.device,
    browser: event.browser,
    browserVersion: event.browserVersion,
    os: event.os,
    osVersion: event.osVersion,
    country: event.country,
    region: event.region,
    regionName: event.regionName,
    city: event.city,
  };
}
