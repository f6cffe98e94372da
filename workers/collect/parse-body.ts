// The body of `POST /api/event` (DESIGN §3), wire-compatible with Plausible's: long or short keys,
// the same defaults, and Plausible's rule of dropping what it cannot use (bad props, bad revenue)
// rather than losing the event. What Plausible rejects, and what Pulse adds (batches, uid, the
// trusted ts/ip/ua), is a 400 `{"error": "invalid event", "code": "invalid_event", "errors":
// {"<field>": ["message"]}}`. A `url` that is not an absolute http(s) URL is one of those: it is
// decided here, once, so no later step has to guess what to do with it.
import type { IncomingEvent, Revenue } from '../../contract/events';
import { HttpError } from '../lib/http-error';
import { DAY_MS } from '../lib/timezone';
import { parseIp, parseTs, parseUa, type Fail } from './parse-trusted';

export interface ParseBodyOptions {
  /** an authenticated server-side call (`events:write` key): may set ts, ip and ua */
  trusted: boolean;
  now: number;
}

type Errors = Record<string, string[]>;
type Body = Record<string, unknown>;

const MAX_BATCH = 50;
const MAX_NAME_CHARS = 120;
const MAX_URL_BYTES = 2000;
const MAX_REFERRER_CHARS = 2000;
const MAX_PROPS = 30;
const MAX_PROP_KEY_BYTES = 300;
const MAX_PROP_VALUE_BYTES = 2000;
const MAX_UID_CHARS = 256;
// "comma-separated = several sites" (DESIGN §3) is for roll-up sites, a handful at most; each
// domain costs a site lookup and a SiteDO call, so an anonymous event may not name thousands.
const MAX_DOMAINS = 10;
// The longest DNS name: a longer one cannot be a site, and the site cache keys on it.
const MAX_DOMAIN_CHARS = 253;
// Plausible ignores engagement times of 30 days or more: an old tracker sent garbage there.
const MAX_ENGAGED_MS = 30 * DAY_MS;

const encoder = new TextEncoder();
const bytes = (s: string) => encoder.encode(s).length;

export function parseEventBody(text: string, opts: ParseBodyOptions): IncomingEvent[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw invalid({ request: ['Unable to parse request body as json'] });
  }
  if (Array.isArray(body)) return parseBatch(body, opts);
  if (isObject(body)) {
    // `{"events": [...]}` is a batch; an event with a prop or key named `events` still has a name.
    if ('events' in body && !('n' in body) && !('name' in body)) {
      if (!Array.isArray(body.events)) throw invalid({ events: ['must be an array of events'] });
      return parseBatch(body.events, opts);
    }
    const { event, errors } = parseEvent(body, opts);
    if (!event) throw invalid(errors);
    return [event];
  }
  throw invalid({ request: ['must be a JSON object or an array of events'] });
}

function parseBatch(items: unknown[], opts: ParseBodyOptions): IncomingEvent[] {
  if (items.length === 0 || items.length > MAX_BATCH) {
    throw invalid({ events: [`must hold between 1 and ${MAX_BATCH} events`] });
  }
  const all: Errors = {};
  const events: IncomingEvent[] = [];
  items.forEach((item, i) => {
    if (!isObject(item)) {
      all[`events[${i}]`] = ['must be an object'];
      return;
    }
    const { event, errors } = parseEvent(item, opts);
    for (const [field, messages] of Object.entries(errors)) all[`events[${i}].${field}`] = messages;
    if (event) events[i] = event;
  });
  if (Object.keys(all).length > 0) throw invalid(all);

  // One batch goes to one SiteDO in one RPC, so it must name one site.
  const site = siteKey(events[0]!);
  events.forEach((event, i) => {
    if (i > 0 && siteKey(event) !== site) all[`events[${i}].domain`] = ['must name the same site as events[0]'];
  });
  if (Object.keys(all).length > 0) throw invalid(all);
  return events;
}

function siteKey(event: IncomingEvent): string {
  return [...event.domains].sort().join(',');
}

function parseEvent(body: Body, opts: ParseBodyOptions): { event: IncomingEvent | null; errors: Errors } {
  const errors: Errors = {};
  const fail = (field: string, message: string) => {
    (errors[field] ??= []).push(message);
    return null;
  };

  const name = parseName(pick(body, 'n', 'name'), fail);
  const url = parseUrl(pick(body, 'u', 'url'), fail);
  const domains = parseDomains(pick(body, 'd', 'domain'), fail);
  const props = parseProps(pick(body, 'p', 'props', 'm', 'meta'), fail);

  let scrollDepth: number | null = null;
  let engagedMs: number | null = null;
  if (name === 'engagement') {
    scrollDepth = parseScrollDepth(body.sd);
    engagedMs = parseEngagedMs(body.e);
    if (scrollDepth === null && engagedMs === null) {
      fail('name', "engagement event requires a valid integer value for at least one of 'sd' or 'e' fields");
    }
  }

  const pid = parsePid(body.pid, fail);
  // A browser must not be able to pick its event time, IP or user agent, nor whose history an
  // event joins (`uid` is "an authenticated user id from the site's backend", DESIGN §3): these
  // fields are ignored, not rejected, on untrusted calls so a copied server payload still counts.
  const uid = opts.trusted ? parseUid(body.uid, fail) : null;
  const ts = opts.trusted ? parseTs(body.ts, opts.now, fail) : null;
  const ip = opts.trusted ? parseIp(body.ip, fail) : null;
  const ua = opts.trusted ? parseUa(body.ua, fail) : null;

  if (Object.keys(errors).length > 0 || name === null || url === null || domains === null) {
    return { event: null, errors };
  }
  const interactive = pick(body, 'i', 'interactive');
  const hashMode = pick(body, 'h', 'hashMode');
  return {
    event: {
      name,
      url,
      domains,
      referrer: parseReferrer(pick(body, 'r', 'referrer')),
      props: props ?? {},
      revenue: parseRevenue(pick(body, '$', 'revenue')),
      // Plausible: only a real boolean overrides the default.
      interactive: typeof interactive === 'boolean' ? interactive : true,
      hashMode: hashMode === true || hashMode === 1 || hashMode === '1',
      scrollDepth,
      engagedMs,
      uid,
      pid,
      ts,
      ip,
      ua,
    },
    errors,
  };
}

// Plausible reads `body["n"] || body["name"]`: the short key wins unless it is null.
function pick(body: Body, ...keys: string[]): unknown {
  for (const key of keys) if (body[key] !== undefined && body[key] !== null) return body[key];
  return undefined;
}

function parseName(raw: unknown, fail: Fail): string | null {
  if (raw === undefined) return fail('name', 'is required');
  // Integers are names too: Plausible's 404 tracking sends them.
  const name = Number.isInteger(raw) ? String(raw) : raw;
  if (typeof name !== 'string') return fail('name', 'must be a string');
  if (name.trim() === '') return fail('name', "can't be blank");
  if ([...name].length > MAX_NAME_CHARS) return fail('name', `should be at most ${MAX_NAME_CHARS} characters`);
  return name;
}

function parseUrl(raw: unknown, fail: Fail): string | null {
  if (raw === undefined) return fail('url', 'is required');
  if (typeof raw !== 'string') return fail('url', 'must be a string');
  if (raw.trim() === '') return fail('url', "can't be blank");
  if (bytes(raw) > MAX_URL_BYTES) return fail('url', `should be at most ${MAX_URL_BYTES} bytes`);
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return fail('url', 'must be an absolute url');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return fail('url', 'must be an http or https url');
  return raw;
}

function parseDomains(raw: unknown, fail: Fail): string[] | null {
  if (raw === undefined) return fail('domain', 'is required');
  if (typeof raw !== 'string') return fail('domain', 'must be a string');
  const domains = new Set<string>();
  for (const part of raw.split(',')) {
    let domain = part.trim().toLowerCase();
    if (domain.startsWith('www.')) domain = domain.slice(4);
    if (domain !== '') domains.add(domain);
    if (domain.length > MAX_DOMAIN_CHARS) return fail('domain', `each domain should be at most ${MAX_DOMAIN_CHARS} characters`);
    if (domains.size > MAX_DOMAINS) return fail('domain', `should name at most ${MAX_DOMAINS} sites`);
  }
  if (domains.size === 0) return fail('domain', "can't be blank");
  return [...domains];
}

function parseReferrer(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const referrer = raw.trim().slice(0, MAX_REFERRER_CHARS);
  return referrer === '' ? null : referrer;
}

// Plausible's rules: props may come as an object or as a JSON-encoded object; null, empty,
// object and array values are dropped; other scalars become strings; the first 30 are kept;
// an over-long key or value rejects the event.
function parseProps(raw: unknown, fail: Fail): Record<string, string> | null {
  const source = decodeObject(raw);
  if (!source) return {};
  const props: Record<string, string> = {};
  let count = 0;
  for (const [key, value] of Object.entries(source)) {
    if (count === MAX_PROPS) break;
    if (value === null || typeof value === 'object') continue;
    const text = String(value);
    if (key.trim() === '' || text.trim() === '') continue;
    props[key] = text;
    count++;
  }
  for (const [key, value] of Object.entries(props)) {
    if (bytes(key) > MAX_PROP_KEY_BYTES || bytes(value) > MAX_PROP_VALUE_BYTES) {
      return fail('props', `keys should have at most ${MAX_PROP_KEY_BYTES} bytes and values ${MAX_PROP_VALUE_BYTES} bytes`);
    }
  }
  return props;
}

// Revenue that does not parse is dropped and the event kept, as Plausible does: losing a
// purchase because of a typo in its currency would be worse than losing its amount.
function parseRevenue(raw: unknown): Revenue | null {
  const source = decodeObject(raw);
  if (!source) return null;
  const { amount, currency } = source;
  let value: number | null = null;
  if (typeof amount === 'number' && Number.isFinite(amount)) value = amount;
  if (typeof amount === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(amount)) value = Number(amount);
  if (value === null || typeof currency !== 'string' || !/^[A-Za-z]{3}$/.test(currency.trim())) return null;
  return { amount: value, currency: currency.trim().toUpperCase() };
}

function parseScrollDepth(raw: unknown): number | null {
  const value = parseWholeNumber(raw);
  if (value === null || value < 0) return null;
  // Plausible caps rather than rejects: rounding in the tracker can report 101.
  return Math.min(value, 100);
}

function parseEngagedMs(raw: unknown): number | null {
  const value = parseWholeNumber(raw);
  return value === null || value < 0 || value >= MAX_ENGAGED_MS ? null : value;
}

// Plausible takes integers or integer strings; Pulse also rounds fractional numbers, which
// trackers produce from performance.now() arithmetic.
function parseWholeNumber(raw: unknown): number | null {
  if (typeof raw === 'number' && Number.isFinite(raw)) return Math.round(raw);
  if (typeof raw === 'string' && /^-?\d+$/.test(raw.trim())) return Number(raw.trim());
  return null;
}

function parseUid(raw: unknown, fail: Fail): string | null {
  if (raw === undefined || raw === null || raw === '') return null;
  // Numeric user ids are common in backends; they mean the same as their string form.
  const uid = Number.isSafeInteger(raw) ? String(raw) : raw;
  if (typeof uid !== 'string') return fail('uid', 'must be a string');
  if ([...uid].length > MAX_UID_CHARS) return fail('uid', `should be at most ${MAX_UID_CHARS} characters`);
  return uid;
}

// The SDK's `persist` module (only after consent) sends a random anonymous id it keeps in
// localStorage; anything else in that field is a client bug worth a clear 400.
const PID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

function parsePid(raw: unknown, fail: Fail): string | null {
  if (raw === undefined || raw === null || raw === '') return null;
  if (typeof raw !== 'string' || !PID_PATTERN.test(raw)) return fail('pid', 'must be 8 to 64 letters, digits, - or _');
  return raw;
}

function decodeObject(raw: unknown): Body | null {
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch {
      return null;
    }
  }
  return isObject(raw) ? raw : null;
}

function isObject(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(errors: Errors): HttpError {
  return new HttpError(400, 'invalid_event', 'invalid event', {}, { errors });
}
