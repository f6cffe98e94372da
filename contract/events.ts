/**
 * The shapes an event takes on its way through Pulse (DESIGN §1):
 * request body -> IncomingEvent (validated) -> CollectedEvent (enriched, sent to the SiteDO)
 * -> StoredEvent (visitor + session assigned, written to the outbox, the Queue, D1 and R2).
 */

/**
 * Events the page sends about itself (engagement as it is hidden, web vitals, errors): they join
 * an existing session but never open or extend one, never un-bounce it, and are not traffic.
 */
export const PASSIVE_EVENT_NAMES: readonly string[] = ['engagement', 'web-vital', 'error'];

/** Events the tracker sends on its own: not custom events of the site, never an interaction. */
export const AUTOMATIC_EVENT_NAMES: readonly string[] = ['pageview', ...PASSIVE_EVENT_NAMES];

export interface Revenue {
  amount: number;
  currency: string;
}

/** One event after parsing and validation, before enrichment. */
export interface IncomingEvent {
  name: string;
  url: string;
  /** Site ids; a comma-separated `domain` sends the event to several sites. */
  domains: string[];
  referrer: string | null;
  props: Record<string, string>;
  revenue: Revenue | null;
  interactive: boolean;
  hashMode: boolean;
  /** engagement only: scroll depth 0–100 and engaged milliseconds */
  scrollDepth: number | null;
  engagedMs: number | null;
  /** authenticated user id from the site's backend (hashed per site before storage) */
  uid: string | null;
  /** the SDK's persistent anonymous id, sent only after consent (`persist` module) */
  pid: string | null;
  /** event time in epoch ms; only honoured for authenticated server-side calls */
  ts: number | null;
  /** explicit client ip / user agent; only honoured for authenticated server-side calls */
  ip: string | null;
  ua: string | null;
}

/** Where a visitor came from: derived from the referrer and the URL's UTM / source / ref. */
export interface Attribution {
  referrer: string | null;
  source: string;
  channel: string;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  utmContent: string | null;
  utmTerm: string | null;
}

export interface Device {
  device: string;
  browser: string;
  browserVersion: string;
  os: string;
  osVersion: string;
}

export interface Geo {
  country: string | null;
  /** ISO 3166-2 code (US-CA) */
  region: string | null;
  /** Cloudflare's English name of the region (California) */
  regionName: string | null;
  city: string | null;
}

/** An enriched event, as the collector hands it to one SiteDO. */
export interface CollectedEvent extends Attribution, Device, Geo {
  site: string;
  ts: number;
  name: string;
  hostname: string;
  pathname: string;
  props: Record<string, string>;
  revenue: Revenue | null;
  interactive: boolean;
  scrollDepth: number | null;
  engagedMs: number | null;
  uid: string | null;
  /** Used only inside the SiteDO to derive the visitor id; never stored or logged. */
  ip: string;
  ua: string;
}

/** An event as stored in the outbox, D1 (`events`) and the R2 archive. No IP, no UA, no raw uid. */
export interface StoredEvent extends Omit<CollectedEvent, 'ip' | 'ua' | 'uid'> {
  id: string;
  visitorId: number;
  sessionId: string;
  /** true when the visitor id comes from a hashed uid rather than the daily salt */
  identified: boolean;
}

/** A session as the SiteDO sees it; upserted into D1 by (id), newest `version` wins. */
export interface StoredSession extends Attribution, Device, Geo {
  id: string;
  site: string;
  visitorId: number;
  identified: boolean;
  version: number;
  start: number;
  end: number;
  pageviews: number;
  events: number;
  interactiveEvents: number;
  entryPage: string | null;
  exitPage: string | null;
  /** event times of the entry and exit pageviews, so out-of-order pageviews pick the right pages */
  entryAt: number | null;
  exitAt: number | null;
  /** attribution, device and geo are the first event's (DESIGN §5) */
  hostname: string;
}

/** One Queue message: many events and session snapshots of one site, ≤ ~100 KB of JSON. */
export interface QueueMessageBody {
  site: string;
  /** deterministic per outbox range, so a retried batch overwrites the same R2 object */
  batchId: string;
  events: StoredEvent[];
  sessions: StoredSession[];
  /** drops counted by the SiteDO since the last flush, per UTC day and reason */
  drops: DropCount[];
  /**
   * The drops' own id, the same each time the outbox resends these counts (whatever else the
   * message carries): the consumer keys them by it, so a resend is not counted twice. Absent in
   * messages of older SiteDOs, which were keyed by `batchId`.
   */
  dropsId?: string;
}

export interface DropCount {
  day: string;
  reason: DropReason;
  count: number;
}

/** Why an event was dropped; every drop is counted under one of these. */
export type DropReason =
  | 'bot'
  | 'spam_referrer'
  | 'unknown_site'
  | 'hostname_not_allowed'
  | 'rate_limited'
  /** an engagement, web-vital or error event with no session to join (as Plausible: not recorded) */
  | 'no_session'
  /** an `error` event past the per-session cap (durable-objects/site-do/error-cap.ts) */
  | 'error_cap';

/** What the SiteDO's `ingest` answers the collector for one call. */
export interface IngestResult {
  accepted: number;
  dropped: Partial<Record<DropReason, number>>;
  /** per input event, in the order given: null when accepted, else why it was dropped */
  outcomes: (DropReason | null)[];
  retryAfter?: number; // set when the site's flood limit refused the call: seconds to wait
}
