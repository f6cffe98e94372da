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
import { getSiteConfigs, type SiteConfig, type SiteLoader } from '../lib/site-config';
import { DAY_MS, utcDate } from '../lib/timezone';
import { isDropped, type Dropped, type EnrichedEvent } from './pipeline';

/** One parsed event on its way out: the sites it names, and what the pipeline made of it. */
export interface Outgoing {
  domains: string[];
  outcome: EnrichedEvent | Dropped;
}

type Drops = { reason: DropReason; count: number }[];

export interface FanOutOptions {
  /** where site configs come from: D1 (the default), or a failing or slow stand-in in tests */
  loadSites?: SiteLoader;
}

interface Group {
  site: SiteConfig;
  events: CollectedEvent[];
}

/** Delivers the events to their SiteDOs; resolves with how many (event, site) pairs were dropped. */
export async function fanOut(env: Env, ctx: ExecutionContext, outgoing: Outgoing[], now: number, options: FanOutOptions = {}): Promise<number> {
  const groups = new Map<string, Group>();
  const drops = new Map<string, { site: SiteConfig; drops: Drops }>();
  let unknownSites = 0;

  // One lookup (at most one D1 read) for every domain the request names; parse-body bounds them.
  const sites = await getSiteConfigs(env.DB, outgoing.flatMap((o) => o.domains), now, {
    load: options.loadSites,
    waitUntil: (promise) => ctx.waitUntil(promise),
  });
  for (const { domains, outcome } of outgoing) {
    domains.forEach((domain) => {
      const site = sites.get(domain);
      if (!site) return void (unknownSites += 1);
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
  // The site's flood limit (its SiteDO's bucket): 429 only when no SiteDO stored anything, since
  // the client's retry must not count again what another site of the request already took.
  const refused = results.filter((r) => r.retryAfter !== undefined);
  if (refused.length > 0 && refused.length === results.length) {
    const retryAfter = String(Math.max(...refused.map((r) => r.retryAfter!)));
    throw new HttpError(429, 'rate_limited', 'too many events for this site', { 'retry-after': retryAfter });
  }
  if (unknownSites) countUnknownSiteDrops(env.DB, ctx, unknownSites, now);
  return unknownSites + results.reduce((sum, r) => sum + Object.values(r.dropped).reduce((a, b) => a + (b ?? 0), 0), 0);
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
 * objects at will), so their drops are counted straight in D1 under one fixed key, UNKNOWN_SITE,
 * not under the claimed domain: that name is attacker-chosen text and no site's, and a row per
 * name let one event write thousands of permanent rows. Counts made within FLUSH_DELAY_MS of
 * each other are added up in the isolate and written as one upsert of one row per day, so a
 * flood of junk costs D1 about one write a second per isolate, whatever its size.
 */
export const UNKNOWN_SITE = '(unknown)';
const FLUSH_DELAY_MS = 1_000;
let pendingUnknown = new Map<string, number>();
let flushScheduled = false;

export function countUnknownSiteDrops(db: D1Database, ctx: ExecutionContext, count: number, now: number): void {
  const day = utcDate(now);
  pendingUnknown.set(day, (pendingUnknown.get(day) ?? 0) + count);
  if (flushScheduled) return;
  flushScheduled = true;
  ctx.waitUntil(
    (async () => {
      await new Promise((resolve) => setTimeout(resolve, FLUSH_DELAY_MS));
      const counts = pendingUnknown;
      pendingUnknown = new Map();
      flushScheduled = false;
      try {
        await db.batch(
          [...counts].map(([d, n]) =>
            db
              .prepare(
                `INSERT INTO drop_counts (day, site_id, reason, batch_id, count) VALUES (?, ?, 'unknown_site', 'collector', ?)
                 ON CONFLICT (day, site_id, reason, batch_id) DO UPDATE SET count = count + excluded.count`,
              )
              .bind(d, UNKNOWN_SITE, n),
          ),
        );
      } catch (err) {
        // D1 is down: keep the counts for the next flush rather than lose them (a few day rows).
        for (const [d, n] of counts) pendingUnknown.set(d, (pendingUnknown.get(d) ?? 0) + n);
        console.warn('unknown-site drop count not written', err instanceof Error ? err.message : err);
      }
    })(),
  );
}
