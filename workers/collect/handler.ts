import type { IRequest } from 'itty-router';
import type { Env } from '../env';
import type { CollectedEvent, DropReason, IncomingEvent } from '../../contract/events';
import { HttpError } from '../lib/http-error';
import { getSiteConfig, type SiteConfig } from '../lib/site-config';
import { assertIngestSite, authenticateIngest } from '../auth/access';
import { parseEventBody } from './parse-body';
import { enrichEvent, hostnameAllowed, siteObjectName, type RequestContext } from './pipeline';
import { countUnknownSiteDrops } from './unknown-site-drops';
import { enforceIpLimit } from './ip-limit';

/** DESIGN §3: a body over 64 KB is refused with 413 before it is parsed. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * `POST /api/event`: parse -> enrich (pipeline.ts) -> route to SiteDO shards -> 202 once every
 * accepted event is in a SiteDO's storage. Drops are still 202, with `x-pulse-dropped`.
 */
export async function handleCollect(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  const now = Date.now();
  const text = await readLimitedBody(request);
  const headerIp = request.headers.get('cf-connecting-ip') ?? '0.0.0.0';
  // Keyed server-side calls (imports, backfills) have the key's own rate limit instead of the IP's.
  const key = await authenticateIngest(request as unknown as Request, env);
  if (!key) await enforceIpLimit(env, headerIp, now);
  const incoming = parseEventBody(text, { trusted: key !== null, now });
  const drops = new Map<string, { reason: DropReason; count: number }[]>();
  const groups = new Map<string, { site: SiteConfig; events: CollectedEvent[] }>();
  const unknownSiteDrops: string[] = [];

  for (const event of incoming) {
    const req = requestContext(request, event, key !== null, headerIp, now);
    const sites = await Promise.all(event.domains.map((domain) => getSiteConfig(env.DB, domain, now)));
    if (key) event.domains.forEach((domain) => assertIngestSite(key, domain));
    const enriched = enrichEvent(event, req);
    event.domains.forEach((domain, i) => {
      const site = sites[i];
      if (!site) return void unknownSiteDrops.push(domain);
      if ('drop' in enriched) return addDrop(drops, site.id, enriched.drop);
      if (!hostnameAllowed(site, enriched.hostname)) return addDrop(drops, site.id, 'hostname_not_allowed');
      assertWithinRetention(site, enriched.ts, now);
      const name = siteObjectName(site, enriched);
      const group = groups.get(name) ?? { site, events: [] };
      group.events.push({ ...enriched, site: site.id });
      groups.set(name, group);
    });
  }

  // Sites whose events were all dropped still get their drops counted by their SiteDO.
  for (const siteId of drops.keys()) {
    const hasGroup = [...groups.values()].some((g) => g.site.id === siteId);
    if (!hasGroup) groups.set(siteId, { site: (await getSiteConfig(env.DB, siteId, now))!, events: [] });
  }
  const results = await Promise.all(
    [...groups].map(([name, group]) =>
      env.SITE_DO.get(env.SITE_DO.idFromName(name)).ingest(group.site, group.events, takeDrops(drops, group.site.id), now),
    ),
  );
  if (unknownSiteDrops.length) ctx.waitUntil(countUnknownSiteDrops(env.DB, unknownSiteDrops, now));

  const dropped = unknownSiteDrops.length + results.reduce((sum, r) => sum + Object.values(r.dropped).reduce((a, b) => a + (b ?? 0), 0), 0);
  return new Response('ok', {
    status: 202,
    headers: { 'content-type': 'text/plain; charset=utf-8', ...(dropped ? { 'x-pulse-dropped': String(dropped) } : {}) },
  });
}

async function readLimitedBody(request: IRequest): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) throw new HttpError(413, 'payload_too_large', `request body is over ${MAX_BODY_BYTES} bytes`);
  // content-length can be absent (chunked) or wrong: count what actually arrives too.
  const buffer = await request.arrayBuffer();
  if (buffer.byteLength > MAX_BODY_BYTES) throw new HttpError(413, 'payload_too_large', `request body is over ${MAX_BODY_BYTES} bytes`);
  return new TextDecoder().decode(buffer);
}

/** Server-side calls with an `events:write` key may name the visitor's IP and UA (DESIGN §3). */
function requestContext(request: IRequest, event: IncomingEvent, trusted: boolean, headerIp: string, now: number): RequestContext {
  const forwarded = request.headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  return {
    ip: (trusted && (event.ip ?? forwarded)) || headerIp,
    ua: (trusted && event.ua) || request.headers.get('user-agent') || '',
    cf: request.cf as IncomingRequestCfProperties | undefined,
    now,
  };
}

function assertWithinRetention(site: SiteConfig, ts: number, now: number): void {
  if (ts < now - site.retentionDays * 86_400_000) {
    throw new HttpError(400, 'invalid_event', 'invalid event', {}, {
      errors: { ts: [`is older than the site's retention of ${site.retentionDays} days`] },
    });
  }
}

function addDrop(drops: Map<string, { reason: DropReason; count: number }[]>, site: string, reason: DropReason): void {
  const list = drops.get(site) ?? [];
  const entry = list.find((d) => d.reason === reason);
  if (entry) entry.count += 1;
  else list.push({ reason, count: 1 });
  drops.set(site, list);
}

function takeDrops(drops: Map<string, { reason: DropReason; count: number }[]>, site: string) {
  const list = drops.get(site) ?? [];
  drops.delete(site);
  return list;
}
