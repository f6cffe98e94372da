import type { Attribution, CollectedEvent, Device, DropReason, Geo, IncomingEvent } from '../../contract/events';
import { rejectBot } from './reject-bots';
import { isSpamReferrer } from './spam-referrers';
import { normalizeReferrer, normalizeUrl as normalizePage, type NormalizedReferrer, type NormalizedUrl } from './normalize-url';
import { attributeSource } from './attribute-source';
import { geoFromCf } from './geo-from-cf';
import { parseDevice } from './parse-device';
import { scrubText } from './scrub';
import { fingerprintError } from '../reports/errors/fingerprint';
import { memoByUa } from './ua-cache';

/**
 * Ingestion as a named pipeline (DESIGN §1, STYLE.md):
 *
 *   parse -> rejectBots -> normalizeUrl -> rejectSpam -> attachSource -> attachGeo -> attachDevice
 *   -> scrubErrorProps -> toCollected, then in fan-out.ts: getSiteConfigs (one lookup for all sites
 *   of the request), and per site hostnameAllowed -> assertWithinRetention -> shardForVisitor
 *   -> SiteDO.ingest (which applies the site's flood limit)
 *
 * `parse` (parse-body.ts) runs on the whole body in route.ts, because invalid input is a 400 for
 * the request (a bad `url` included). The steps here run per event: each is a function of the
 * event so far and the request, returning the event with what it adds, or `{ drop: reason }`.
 * A drop ends the run; fan-out.ts counts it for each site the event named, so none is silent.
 */

/** What the request tells about the visitor of one event (route.ts builds it). */
export interface RequestContext {
  ip: string;
  ua: string;
  cf: IncomingRequestCfProperties | undefined;
  now: number;
}

export type Dropped = { drop: DropReason };

/** An event ready for its sites: everything but the site id, which fan-out.ts adds per site. */
export type EnrichedEvent = Omit<CollectedEvent, 'site'>;

/** One step: the event so far and the request in, the event with what the step adds (or a drop) out. */
export type Step<In, Out> = (event: In, req: RequestContext) => Out | Dropped;

/** Runs every step of the pipeline on one parsed event, in the order listed. */
export function runPipeline(incoming: IncomingEvent, req: RequestContext): EnrichedEvent | Dropped {
  return start({ incoming }, req)
    .then(rejectBots)
    .then(normalizeUrl)
    .then(rejectSpam)
    .then(attachSource)
    .then(attachGeo)
    .then(attachDevice)
    .then(scrubErrorProps)
    .then(toCollected).outcome;
}

interface Draft {
  incoming: IncomingEvent;
}

// The user-agent steps are the pipeline's costliest by far and see the same few hundred strings
// over and over, so their verdicts are memoized per string (ua-cache.ts bounds the memory).
const botVerdict = memoByUa(rejectBot);
const deviceOf = memoByUa(parseDevice);

export const rejectBots = <E extends Draft>(event: E, req: RequestContext): E | Dropped => (botVerdict(req.ua) ? { drop: 'bot' } : event);

/** The page URL and the referrer as reports show them (query strings scrubbed, DESIGN §6). */
export const normalizeUrl = <E extends Draft>(event: E): E & { page: NormalizedUrl; referrer: NormalizedReferrer } => {
  const page = normalizePage(event.incoming.url, { hashMode: event.incoming.hashMode });
  return { ...event, page, referrer: normalizeReferrer(event.incoming.referrer, page.hostname) };
};

export const rejectSpam = <E extends { referrer: NormalizedReferrer }>(event: E): E | Dropped =>
  isSpamReferrer(event.referrer.host) ? { drop: 'spam_referrer' } : event;

export const attachSource = <E extends { page: NormalizedUrl; referrer: NormalizedReferrer }>(event: E): E & { attribution: Attribution } => ({
  ...event,
  attribution: attributeSource({
    referrerHost: event.referrer.host,
    referrerUrl: event.referrer.url,
    utm: event.page.utm,
    sourceParam: event.page.sourceParam,
    clickId: event.page.clickId,
  }),
});

export const attachGeo = <E extends Draft>(event: E, req: RequestContext): E & { geo: Geo } => ({ ...event, geo: geoFromCf(req.cf) });

export const attachDevice = <E extends Draft>(event: E, req: RequestContext): E & { device: Device } => ({ ...event, device: deviceOf(req.ua) });

/** The props of an `error` event that carry page text and URLs (DESIGN §3's `error` kind), and their caps in characters. */
export const ERROR_PROP_CAPS = { message: 500, source: 300, stack: 2000 } as const;

/**
 * An error's message and stack quote whatever the app had at hand (an e-mail, a reset token, the
 * script URL with its query string), so they are scrubbed before storage (DESIGN §4a), then cut to
 * their caps (scrubbing first: a cut never leaves half a token unscrubbed). `line` keeps digits
 * only. The fingerprint the errors report groups by is computed here, over the scrubbed text.
 */
export const scrubErrorProps = <E extends Draft>(event: E): E => {
  if (event.incoming.name !== 'error') return event;
  const props = { ...event.incoming.props };
  for (const [key, cap] of Object.entries(ERROR_PROP_CAPS)) {
    if (typeof props[key] === 'string') props[key] = scrubText(props[key]).slice(0, cap);
  }
  if (props.line !== undefined && !/^\d{1,9}$/.test(props.line)) delete props.line;
  props.fingerprint = fingerprintError(props);
  return { ...event, incoming: { ...event.incoming, props } };
};

type Attached = Draft & { page: NormalizedUrl; attribution: Attribution; geo: Geo; device: Device };

export function toCollected({ incoming, page, attribution, geo, device }: Attached, req: RequestContext): EnrichedEvent {
  return {
    ts: incoming.ts ?? req.now,
    name: incoming.name,
    hostname: page.hostname,
    pathname: page.pathname,
    props: incoming.props,
    revenue: incoming.revenue,
    interactive: incoming.interactive,
    scrollDepth: incoming.scrollDepth,
    engagedMs: incoming.engagedMs,
    // A consented persistent id makes the visitor stable across days, like a uid; the prefix keeps
    // the two id spaces apart before both are hashed with the site's secret.
    uid: incoming.uid ?? (incoming.pid ? `pid:${incoming.pid}` : null),
    ip: req.ip,
    ua: req.ua,
    ...attribution,
    ...geo,
    ...device,
  };
}

/** The pipeline's runner: applies steps in turn until one drops the event. */
class Run<T> {
  constructor(
    readonly outcome: T | Dropped,
    private readonly req: RequestContext,
  ) {}

  then<U>(step: Step<T, U>): Run<U> {
    return isDropped(this.outcome) ? new Run<U>(this.outcome, this.req) : new Run(step(this.outcome, this.req), this.req);
  }
}

function start<T>(value: T, req: RequestContext): Run<T> {
  return new Run(value, req);
}

export function isDropped(value: unknown): value is Dropped {
  return typeof value === 'object' && value !== null && 'drop' in value;
}
