import { env, runInDurableObject } from 'cloudflare:test';
import type { SiteDO } from '../../durable-objects/site-do';
import { pendingCount, type Outbox } from '../../durable-objects/site-do/outbox';
import { deadLetterCount } from '../../durable-objects/site-do/outbox-send';
import type { CollectedEvent } from '../../contract/events';
import { forgetSiteConfig, type SiteConfig } from '../../workers/lib/site-config';

/** Creates a site row in D1 (the real table) and returns its config. */
export async function createSite(id: string, overrides: Partial<SiteConfig> = {}): Promise<SiteConfig> {
  const site: SiteConfig = {
    id,
    timezone: 'UTC',
    retentionDays: 395,
    uidSecret: `secret-of-${id}`,
    allowedHostnames: [],
    shards: 1,
    createdAt: Date.now(),
    ...overrides,
  };
  await env.DB.prepare('INSERT OR REPLACE INTO sites (id, timezone, retention_days, settings, uid_secret, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    .bind(site.id, site.timezone, site.retentionDays, JSON.stringify({ allowedHostnames: site.allowedHostnames, shards: site.shards, ...(site.floodLimit ? { floodLimit: site.floodLimit } : {}) }), site.uidSecret, site.createdAt)
    .run();
  forgetSiteConfig(id);
  return site;
}

/** An enriched event as the collector hands it to the SiteDO; override what the test is about. */
export function collected(site: string, overrides: Partial<CollectedEvent> = {}): CollectedEvent {
  return {
    site,
    ts: Date.UTC(2026, 10, 20, 12, 0, 0),
    name: 'pageview',
    hostname: site,
    pathname: '/',
    props: {},
    revenue: null,
    interactive: true,
    scrollDepth: null,
    engagedMs: null,
    uid: null,
    ip: '203.0.113.7',
    ua: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    referrer: null,
    source: 'Direct / None',
    channel: 'Direct',
    utmSource: null,
    utmMedium: null,
    utmCampaign: null,
    utmContent: null,
    utmTerm: null,
    device: 'Desktop',
    browser: 'Chrome',
    browserVersion: '131',
    os: 'GNU/Linux',
    osVersion: '(not set)',
    country: 'DE',
    region: 'DE-BE',
    regionName: 'Berlin',
    city: 'Berlin',
    ...overrides,
  };
}

export const MINUTE = 60_000;

export function siteStub(name: string) {
  return env.SITE_DO.get(env.SITE_DO.idFromName(name));
}

/** What waits in a SiteDO's outbox, and how many rows it set aside (`outbox_dead`), read from its storage. */
export function outboxStatus(name: string): Promise<{ pending: number; deadLettered: number }> {
  return runInDurableObject(siteStub(name), (instance: SiteDO, state) => ({
    pending: pendingCount((instance as unknown as { outbox: Outbox }).outbox),
    deadLettered: deadLetterCount(state.storage.sql),
  }));
}
