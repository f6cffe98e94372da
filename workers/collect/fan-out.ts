/**
 * The collector's last stage: each event, enriched or dropped by pipeline.ts, goes to every site
 * its `domain` names. Per site: the site is looked up (unknown sites are counted here, in D1),
 * the page's hostname must be one the site allows, a server-side `ts` must be within the site's
 * retention, and the event goes to the SiteDO shard of its visitor. Every SiteDO is called once
 * per request with its events and its drops, and the answer waits until all of them have stored
 * what they were given (DESIGN §8: a 202 is durable).
 */
import type { Env } from '../env';
import type { CollectedEvent, DropReason } from '../../contract/events';
import { shardForVisitor, shardNames } from '../../contract/shards';
import { HttpError } from '../lib/http-error';
import { getSiteConfig, type SiteConfig } from '../lib/site-config';
import { utcDate } from '../lib/timezone';
import { isDropped, type Dropped, type EnrichedEvent } from './pipeline';

const DAY_MS = 86_400_000;

/** One parsed event on its way out: the sites it names, and what the pipeline made of it. */
export interface Outgoing {
  domains: string[];
  outcome: EnrichedEvent | Dropped;
}

type Drops = { reason: DropReason; count: number }[];

interface Group {
  site: SiteConfig;
  events: CollectedEvent[];
}

/** Delivers the events to their SiteDOs; resolves with how many (event, site) pairs were dropped. */
export async function fanOut(env: Env, ctx: ExecutionContext, outgoing: Outgoing[], now: number): Promise<number> {
  const groups = new Map<string, Group>();
  const drops = new Map<string, { site: SiteConfig; drops: Drops }>();
  const unknownSites: string[] = [];

  for (const { domains, outcome } of outgoing) {
    const sites = await Promise.all(domains.map((domain) => getSiteConfig(env.DB, domain, now)));
    domains.forEach((domain, i) => {
      const site = sites[i];
      if (!site) return void unknownSites.push(domain);
      if (isDropped(outcome)) return addDrop(drops, site, outcome.drop);
      if (!hostnameAllowed(site, outcome.hostname)) return addDrop(drops, site, 'hostname_not_allowed');
      assertWithinRetention(site, outcome.ts, now);
      const name = shardForVisitor(site.id, site.shards, visitorKey(outcome));
      const group = groups.get(name) ?? { site, events: [] };
      group.events.push({ ...outcome, site: site.id });
      groups.set(name, group);
    });
  }

  // Drops travel with the site's events to one of its shards; a site whose events were all dropped
  // still has its drops counted, by its shard 0.
  const dropsByObject = new Map<string, Drops>();
  for (const { site, drops: list } of drops.values()) {
    const name = [...groups].find(([, group]) => group.site.id === site.id)?.[0] ?? shardNames(site.id, site.shards)[0]!;
    if (!groups.has(name)) groups.set(name, { site, events: [] });
    dropsByObject.set(name, list);
  }

  const results = await Promise.all(
    [...groups].map(([name, group]) => env.SITE_DO.get(env.SITE_DO.idFromName(name)).ingest(group.site, group.events, dropsByObject.get(name) ?? [], now)),
  );
  if (unknownSites.length) ctx.waitUntil(countUnknownSiteDrops(env.DB, unknownSites, now));
  return unknownSites.length + results.reduce((sum, r) => sum + Object.values(r.dropped).reduce((a, b) => a + (b ?? 0), 0), 0);
}

/** Does the page's hostname belong to the site (the domain, its subdomains, or an allowed host)? */
export function hostnameAllowed(site: SiteConfig, hostname: string): boolean {
  if (site.allowedHostnames.length === 0) return true;
  return site.allowedHostnames.some((allowed) =>
    allowed.startsWith('*.') ? hostname === allowed.slice(2) || hostname.endsWith(allowed.slice(1)) : hostname === allowed,
  );
}

/**
 * What identifies a visitor for sharding (DESIGN §8): the same visitor always lands on the same
 * shard, so realtime distinct counts can be summed across shards.
 */
function visitorKey(event: Pick<CollectedEvent, 'uid' | 'ip' | 'ua'>): string {
  return event.uid ?? `${event.ip}|${event.ua}`;
}

/**
 * A server-side `ts` older than the site's retention is invalid input (DESIGN §3), not a drop:
 * the backfill that sent it must hear about it. Only keyed calls can set `ts`, and it is judged
 * here because only here is the site, and so its retention, known.
 */
function assertWithinRetention(site: SiteConfig, ts: number, now: number): void {
  if (ts < now - site.retentionDays * DAY_MS) {
    throw new HttpError(400, 'invalid_event', 'invalid event', {}, {
      errors: { ts: [`is older than the site's retention of ${site.retentionDays} days`] },
    });
  }
}

function addDrop(drops: Map<string, { site: SiteConfig; drops: Drops }>, site: SiteConfig, reason: DropReason): void {
  const entry = drops.get(site.id) ?? { site, drops: [] };
  const counted = entry.drops.find((d) => d.reason === reason);
  if (counted) counted.count += 1;
  else entry.drops.push({ reason, count: 1 });
  drops.set(site.id, entry);
}

/**
 * Events for domains with no site never reach a SiteDO (an attacker must not be able to create
 * objects at will), so their drops are counted straight in D1, after the response.
 * The claimed domain is truncated: it is attacker-controlled text.
 */
export async function countUnknownSiteDrops(db: D1Database, domains: string[], now: number): Promise<void> {
  const counts = new Map<string, number>();
  for (const domain of domains) counts.set(domain.slice(0, 253), (counts.get(domain.slice(0, 253)) ?? 0) + 1);
  const day = utcDate(now);
  await db.batch(
    [...counts].map(([domain, count]) =>
      db
        .prepare(
          `INSERT INTO drop_counts (day, site_id, reason, batch_id, count) VALUES (?, ?, 'unknown_site', 'collector', ?)
           ON CONFLICT (day, site_id, reason, batch_id) DO UPDATE SET count = count + excluded.count`,
        )
        .bind(day, domain, count),
    ),
  );
}
