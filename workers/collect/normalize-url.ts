import { decodeLenient, scrubPath, scrubSegment } from './scrub';

export interface Utm {
  source: string | null;
  medium: string | null;
  campaign: string | null;
  content: string | null;
  term: string | null;
}

export interface NormalizedUrl {
  hostname: string;
  pathname: string;
  utm: Utm;
  /** the `source` or `ref` query parameter (Plausible reads them when utm_source is absent) */
  sourceParam: string | null;
  /** an ad click id on the URL: makes a Google / Bing visit Paid Search (as Plausible) */
  clickId: 'gclid' | 'msclkid' | null;
}

export interface NormalizeUrlOptions {
  hashMode: boolean;
  /** query keys a site chose to keep on the page path, e.g. `['page', 'lang']` */
  allowedQueryKeys?: string[];
}

const UTM_KEYS = {
  utm_source: 'source',
  utm_medium: 'medium',
  utm_campaign: 'campaign',
  utm_content: 'content',
  utm_term: 'term',
} as const;

export function stripWww(host: string): string {
  return host.startsWith('www.') ? host.slice(4) : host;
}

function emptyUtm(): Utm {
  return { source: null, medium: null, campaign: null, content: null, term: null };
}

// Tag values are shown in reports and used as filters, so they get the same scrubbing as paths
// (newsletter tools like to put the subscriber's address in utm_content).
function tagValue(raw: string): string | null {
  const value = raw.trim();
  return value === '' ? null : scrubSegment(value);
}

/**
 * The page as reports show it. `url` is an absolute http(s) URL: parse-body answers 400 for any
 * other (DESIGN §3), so there is no fallback here that could hide a bad URL as a page.
 */
export function normalizeUrl(url: string, opts: NormalizeUrlOptions): NormalizedUrl {
  const parsed = new URL(url);

  const hostname = stripWww(parsed.hostname.toLowerCase()) || '(none)';

  // URL() has already resolved `.`/`..` and percent-encoded spaces and non-ASCII; decode it back
  // so reports show `/café`, and trim trailing whitespace as Plausible does. The trailing slash
  // stays: `/blog` and `/blog/` are different pages to Plausible too.
  let pathname = scrubPath(decodeLenient(parsed.pathname).trimEnd()) || '/';

  const utm = emptyUtm();
  let source: string | null = null;
  let ref: string | null = null;
  let clickId: NormalizedUrl['clickId'] = null;
  const kept: [string, string][] = [];
  const allowed = new Set(opts.allowedQueryKeys ?? []);

  for (const [key, value] of parsed.searchParams) {
    if (key in UTM_KEYS) {
      const field = UTM_KEYS[key as keyof typeof UTM_KEYS];
      utm[field] ??= tagValue(value);
    } else if (key === 'source') {
      source ??= tagValue(value);
    } else if (key === 'ref') {
      ref ??= tagValue(value);
    } else if (key === 'gclid' || key === 'msclkid') {
      clickId ??= key;
    } else if (allowed.has(key)) {
      kept.push([key, scrubSegment(value)]);
    }
    // Everything else is dropped: query strings carry search terms, ids and tokens (DESIGN §6).
  }

  if (kept.length > 0) {
    // Sorted so `?a=1&b=2` and `?b=2&a=1` count as one page.
    kept.sort(([ak, av], [bk, bv]) => (ak === bk ? compare(av, bv) : compare(ak, bk)));
    pathname += '?' + kept.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  }

  if (opts.hashMode && parsed.hash.length > 1) {
    // Hash routers put the page in the fragment (`/#/settings`). A query inside the fragment
    // (`#/search?q=…`) is a query string like any other, so it is dropped.
    const route = parsed.hash.slice(1).split('?')[0]!;
    if (route !== '') pathname += '#' + scrubPath(decodeLenient(route));
  }

  return { hostname, pathname, utm, sourceParam: source ?? ref, clickId };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface NormalizedReferrer {
  host: string | null;
  url: string | null;
}

const NO_REFERRER: NormalizedReferrer = { host: null, url: null };

// Android apps send `android-app://<package>/` as the referrer (Gmail, the Google app, Slack);
// Plausible keeps the scheme so `android-app://com.google.android.gm` can be named.
const REFERRER_SCHEMES = new Set(['http:', 'https:', 'android-app:']);

export function normalizeReferrer(referrer: string | null | undefined, pageHostname: string): NormalizedReferrer {
  if (!referrer) return NO_REFERRER;
  let parsed: URL;
  try {
    parsed = new URL(referrer.trim());
  } catch {
    return NO_REFERRER;
  }
  if (!REFERRER_SCHEMES.has(parsed.protocol) || parsed.hostname === '') return NO_REFERRER;

  const bare = stripWww(parsed.hostname.toLowerCase());
  // A referrer on the page's own host is internal navigation, and localhost is a developer's
  // machine: neither is a source (Plausible's has_referral?).
  if (bare === stripWww(pageHostname.toLowerCase()) || bare === 'localhost') return NO_REFERRER;

  const host = parsed.protocol === 'android-app:' ? `android-app://${bare}` : bare;
  // Host and path only: the referrer's query and fragment belong to another site's visitor.
  const path = scrubPath(decodeLenient(parsed.pathname)).replace(/\/+$/, '');
  return { host, url: host + path };
}
