import type { CollectedEvent, DropReason, IncomingEvent } from '../../contract/events';
import { shardForVisitor } from '../../contract/shards';
import type { SiteConfig } from '../lib/site-config';
import { rejectBot } from './reject-bots';
import { isSpamReferrer } from './spam-referrers';
import { normalizeReferrer, normalizeUrl, type NormalizedUrl } from './normalize-url';
import { attributeSource } from './attribute-source';
import { geoFromCf } from './geo-from-cf';
import { parseDevice } from './parse-device';

/**
 * Ingestion as a named pipeline (DESIGN §1):
 *   rejectBots -> normalizeUrl -> rejectSpam -> attachSource -> attachGeo -> attachDevice
 *   -> toSiteObjects (one copy per known site of `domain`, routed to its SiteDO shard)
 * Each step returns the event or a typed drop reason; the handler counts every drop.
 */

export interface RequestContext {
  ip: string;
  ua: string;
  cf: IncomingRequestCfProperties | undefined;
  now: number;
}

export type Dropped = { drop: DropReason };
type SiteLessEvent = Omit<CollectedEvent, 'site'>;

export function enrichEvent(incoming: IncomingEvent, req: RequestContext): SiteLessEvent | Dropped {
  if (rejectBot(req.ua)) return { drop: 'bot' };
  let url: NormalizedUrl;
  try {
    url = normalizeUrl(incoming.url, { hashMode: incoming.hashMode });
  } catch {
    // parse-body already checked the URL; an unparsable one here is treated as spam, not a 500
    return { drop: 'spam_referrer' };
  }
  const referrer = normalizeReferrer(incoming.referrer, url.hostname);
  if (isSpamReferrer(referrer.host)) return { drop: 'spam_referrer' };
  const attribution = attributeSource({
    referrerHost: referrer.host,
    referrerUrl: referrer.url,
    utm: url.utm,
    sourceParam: url.sourceParam,
    clickId: url.clickId,
  });
  return {
    ts: incoming.ts ?? req.now,
    name: incoming.name,
    hostname: url.hostname,
    pathname: url.pathname,
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
    ...geoFromCf(req.cf),
    ...parseDevice(req.ua),
  };
}

/** Does the page's hostname belong to the site (the domain, its subdomains, or an allowed host)? */
export function hostnameAllowed(site: SiteConfig, hostname: string): boolean {
  if (site.allowedHostnames.length === 0) return true;
  return site.allowedHostnames.some((allowed) =>
    allowed.startsWith('*.') ? hostname === allowed.slice(2) || hostname.endsWith(allowed.slice(1)) : hostname === allowed,
  );
}

/**
 * The SiteDO name for a visitor: one object per site unless the site is sharded, then the shard
 * is picked from a plain hash of what identifies the visitor, so a visitor always lands on the
 * same shard and realtime distinct counts can be summed across shards (DESIGN §8).
 */
export function siteObjectName(site: SiteConfig, event: Pick<CollectedEvent, 'uid' | 'ip' | 'ua'>): string {
  return shardForVisitor(site.id, site.shards, event.uid ?? `${event.ip}|${event.ua}`);
}
