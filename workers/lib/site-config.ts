/**
 * What the collector and the SiteDO need to know about a site, loaded from D1 and cached per
 * isolate for a short time so a busy site costs no D1 read per event.
 *
 * The cache is part of ingestion's availability, not only its speed: when D1 errors or is slow,
 * known sites keep ingesting on the config they had (up to STALE_MS old), and no lookup waits on
 * D1 longer than LOAD_TIMEOUT_MS. It is also open to anyone who can name a domain, so it is
 * bounded twice: known sites and unknown names live in separate least-recently-used maps, and a
 * flood of junk domains only ever evicts other junk.
 */
import type { SiteRow } from '../db/rows';
import { HttpError } from './http-error';

/** The columns a site's config is made of (`SITE_CONFIG_COLUMNS`). */
export type SiteConfigRow = Pick<SiteRow, 'id' | 'timezone' | 'retention_days' | 'uid_secret' | 'settings' | 'created_at'>;
export interface SiteConfig {
  id: string;
  timezone: string;
  retentionDays: number;
  uidSecret: string;
  /** hostnames events may come from (besides the domain itself and its subdomains); empty = any */
  allowedHostnames: string[];
  /** number of SiteDO shards (DESIGN §8); 1 unless the site outgrew one object */
  shards: number;
  /** the site's flood limit (DESIGN §3), enforced by its SiteDO(s); DEFAULT_FLOOD_LIMIT if absent */
  floodLimit?: FloodLimit;
  /**
   * When this incarnation of the site was created (`sites.created_at`): a domain deleted and added
   * again is a new site, and whatever still carries the old incarnation is dropped.
   */
  createdAt: number;
}

/** Events per second a site takes before its SiteDO answers 429, and the burst above that. */
export interface FloodLimit {
  perSecond: number;
  burst: number;
}

/** About a busy site's peak on one SiteDO (~1,000 requests/s, DESIGN §8b), with room for spikes. */
export const DEFAULT_FLOOD_LIMIT: FloodLimit = { perSecond: 1_000, burst: 5_000 };

/** A config this young is used without asking D1. */
const FRESH_MS = 30_000;
/** When D1 fails or is slow, a config this young is still used (a known site keeps ingesting). */
export const STALE_MS = 10 * 60_000;
/** The longest a lookup waits on D1; past it the stale config (or a 503) answers. */
export const LOAD_TIMEOUT_MS = 1_000;
/** After a failed or slow load, stale configs are served at once for this long (no pile-up on D1). */
const RETRY_MS = 5_000;
const MAX_KNOWN = 10_000;
// Unknown names are attacker-chosen: a smaller map of their own, so they never push out real sites.
const MAX_UNKNOWN = 2_000;

interface Entry {
  at: number;
  site: SiteConfig | null;
  /** no D1 attempt for this id before this time (set after a failed or timed-out load) */
  retryAt?: number;
}

// Map keeps insertion order: re-inserting on use makes the first key the least recently used.
const known = new Map<string, Entry>();
const unknown = new Map<string, Entry>();

/** Loads the named sites; a site missing from the answer does not exist. */
export type SiteLoader = (ids: string[]) => Promise<SiteConfig[]>;

/** The sites' configs from D1 in one read, however many ids a request names. */
export function loadSitesFromD1(db: D1Database): SiteLoader {
  return async (ids) => {
    const { results } = await db
      .prepare('SELECT id, timezone, retention_days, uid_secret, settings, created_at FROM sites WHERE id IN (SELECT value FROM json_each(?))')
      .bind(JSON.stringify(ids))
      .all<SiteConfigRow>();
    return results.map(siteFromRow);
  };
}

/** The `sites.settings` JSON column; unknown keys are kept untouched when it is updated. */
export interface SiteSettings {
  allowedHostnames?: string[];
  public?: boolean;
  shards?: number;
  floodLimit?: Partial<FloodLimit>;
  [other: string]: unknown;
}

export function parseSiteSettings(raw: string | null | undefined): SiteSettings {
  return JSON.parse(raw || '{}') as SiteSettings;
}

export function siteFromRow(row: SiteConfigRow): SiteConfig {
  const settings = parseSiteSettings(row.settings);
  return {
    id: row.id,
    timezone: row.timezone,
    retentionDays: row.retention_days,
    uidSecret: row.uid_secret,
    allowedHostnames: settings.allowedHostnames ?? [],
    shards: Math.max(1, Math.min(64, Math.floor(settings.shards ?? 1))),
    floodLimit: floodLimitOf(settings),
    createdAt: row.created_at,
  };
}

/** The site's flood limit, the default for whatever the settings leave out. */
export function floodLimitOf(settings: SiteSettings): FloodLimit {
  return {
    perSecond: positive(settings.floodLimit?.perSecond) ?? DEFAULT_FLOOD_LIMIT.perSecond,
    burst: positive(settings.floodLimit?.burst) ?? DEFAULT_FLOOD_LIMIT.burst,
  };
}

function positive(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
}

export interface SiteLookupOptions {
  /** where the sites come from; D1 unless a test stands in a failing or slow loader */
  load?: SiteLoader;
  /** keeps a load that outlived LOAD_TIMEOUT_MS running, so its answer still refreshes the cache */
  waitUntil?: (promise: Promise<unknown>) => void;
}

/**
 * The configs of `ids` (null for an id with no site), with one D1 read for all that are not
 * fresh in the cache. Throws 503 only when D1 cannot answer in time and an id has no config
 * younger than STALE_MS: an event for such a site can neither be stored nor honestly dropped.
 */
export async function getSiteConfigs(db: D1Database, ids: string[], now = Date.now(), options: SiteLookupOptions = {}): Promise<Map<string, SiteConfig | null>> {
  const found = new Map<string, SiteConfig | null>();
  const missing: string[] = [];
  for (const id of new Set(ids)) {
    const hit = lookup(id);
    const age = hit ? now - hit.at : Infinity;
    // A negative age (the clock went back) is not fresh: ask D1 rather than trust it forever.
    const usable = hit && age >= 0 && (age < FRESH_MS || (hit.retryAt !== undefined && now < hit.retryAt && age < STALE_MS));
    if (usable) found.set(id, hit.site);
    else missing.push(id);
  }
  if (missing.length === 0) return found;

  const loading = (options.load ?? loadSitesFromD1(db))(missing).then((sites) => {
    store(missing, sites, now);
    return sites;
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), LOAD_TIMEOUT_MS)));
  const outcome = await Promise.race([loading.then((sites) => ({ sites }), (error: unknown) => ({ error })), timeout]);
  clearTimeout(timer);
  if (outcome !== 'timeout' && 'sites' in outcome) {
    const byId = new Map(outcome.sites.map((site) => [site.id, site]));
    for (const id of missing) found.set(id, byId.get(id) ?? null);
    return found;
  }

  if (outcome === 'timeout') {
    options.waitUntil?.(loading.catch((err: unknown) => console.warn('late site lookup failed', errorText(err))));
  } else {
    console.warn('site lookup failed; serving cached configs', errorText(outcome.error));
  }
  for (const id of missing) {
    const hit = lookup(id);
    if (!hit || now - hit.at >= STALE_MS || now < hit.at) {
      throw new HttpError(503, 'unavailable', 'site lookup is unavailable, try again shortly', { 'retry-after': String(RETRY_MS / 1000) });
    }
    hit.retryAt = now + RETRY_MS;
    found.set(id, hit.site);
  }
  return found;
}

/** One site, or null when no such site exists (see getSiteConfigs). */
export async function getSiteConfig(db: D1Database, id: string, now = Date.now(), options: SiteLookupOptions = {}): Promise<SiteConfig | null> {
  return (await getSiteConfigs(db, [id], now, options)).get(id) ?? null;
}

/** Forget cached sites, after a management change or in tests. */
export function forgetSiteConfig(id?: string): void {
  if (id === undefined) {
    known.clear();
    unknown.clear();
  } else {
    known.delete(id);
    unknown.delete(id);
  }
}

function lookup(id: string): Entry | undefined {
  const map = known.has(id) ? known : unknown;
  const hit = map.get(id);
  if (hit) {
    map.delete(id);
    map.set(id, hit);
  }
  return hit;
}

function store(ids: string[], sites: SiteConfig[], at: number): void {
  const byId = new Map(sites.map((site) => [site.id, site]));
  for (const id of ids) {
    const site = byId.get(id) ?? null;
    known.delete(id);
    unknown.delete(id);
    const map = site ? known : unknown;
    map.set(id, { at, site });
    if (map.size > (site ? MAX_KNOWN : MAX_UNKNOWN)) map.delete(map.keys().next().value!);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
