/**
 * What the collector and the SiteDO need to know about a site, loaded from D1 and cached per
 * isolate for a short time so a busy site costs no D1 read per event.
 */
import type { SiteRow } from '../db/rows';

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
  /**
   * When this incarnation of the site was created (`sites.created_at`): a domain deleted and added
   * again is a new site, and whatever still carries the old incarnation is dropped.
   */
  createdAt: number;
}

const CACHE_MS = 30_000;
const cache = new Map<string, { at: number; site: SiteConfig | null }>();

/** The `sites.settings` JSON column; unknown keys are kept untouched when it is updated. */
export interface SiteSettings {
  allowedHostnames?: string[];
  public?: boolean;
  shards?: number;
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
    createdAt: row.created_at,
  };
}

/** The site, or null when no such site exists. Unknown sites are cached too (floods of junk). */
export async function getSiteConfig(db: D1Database, id: string, now = Date.now()): Promise<SiteConfig | null> {
  const hit = cache.get(id);
  if (hit && now - hit.at < CACHE_MS) return hit.site;
  const row = await db
    .prepare('SELECT id, timezone, retention_days, uid_secret, settings, created_at FROM sites WHERE id = ?')
    .bind(id)
    .first<SiteConfigRow>();
  const site = row ? siteFromRow(row) : null;
  if (cache.size > 10_000) cache.clear();
  cache.set(id, { at: now, site });
  return site;
}

/** Forget cached sites, after a management change or in tests. */
export function forgetSiteConfig(id?: string): void {
  if (id === undefined) cache.clear();
  else cache.delete(id);
}
