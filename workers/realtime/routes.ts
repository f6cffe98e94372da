/**
 * Realtime HTTP (issue 5), all needing `stats:read` on the site:
 *   GET  /api/v1/sites/:site/realtime    snapshot of the last 30 minutes, merged across shards
 *   POST /api/v1/sites/:site/live-token  a 60-second token for opening the live stream
 *   GET  /api/v1/sites/:site/live        WebSocket upgrade, held by the site's SiteDO (shard 0)
 * Everything is served from SiteDO state; D1 is read only for the site's config and goals.
 */
import type { IRequest, RouterType } from 'itty-router';
import type { Env } from '../env';
import { requireAuth } from '../auth';
import { looksLikeJwt } from '../auth/tokens';
import { HttpError, jsonResponse } from '../lib/http-error';
import { getSiteConfig, type SiteConfig } from '../lib/site-config';
import { loadGoals } from '../lib/goals';
import { issueLiveToken, LIVE_TOKEN_TTL_SECONDS, verifyLiveToken, viewerOf, type LiveViewer } from './live-token';
import { mergeSnapshots } from '../../contract/realtime-merge';
import { shardNames } from '../../contract/shards';
import { DEFAULT_TOP, LIVE_HEADERS, MAX_TOP, SHARD_TOP_LIMIT } from '../../contract/realtime';
import { pathParam } from '../lib/path-param';
import { siteDb } from '../lib/site-db';

type Args = [Env, ExecutionContext];

/** The subprotocol a browser offers next to its token: `new WebSocket(url, ['pulse.live', token])`. */
export const LIVE_PROTOCOL = 'pulse.live';

async function siteOr404(env: Env, id: string): Promise<SiteConfig> {
  const site = await getSiteConfig(env.DB, id);
  if (!site) throw new HttpError(404, 'not_found', `no site ${id}`);
  return site;
}

const siteParam = (request: IRequest) => pathParam(request, 'site');

export async function handleRealtime(request: IRequest, env: Env): Promise<Response> {
  const id = siteParam(request);
  await requireAuth(request, env, { site: id, scope: 'stats:read' });
  const site = await siteOr404(env, id);
  const limitParam = new URL(request.url).searchParams.get('limit');
  const limit = limitParam === null ? DEFAULT_TOP : Number(limitParam);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_TOP) throw new HttpError(400, 'invalid_request', `limit must be an integer from 1 to ${MAX_TOP}`);
  const goals = await loadGoals(await siteDb(env, site.id), site.id);
  const names = shardNames(site.id, site.shards);
  const now = Date.now();
  // Shards return long lists so the merged top N is right when a page leads on no single shard.
  const perShard = names.length > 1 ? SHARD_TOP_LIMIT : limit;
  const parts = await Promise.all(names.map((name) => env.SITE_DO.get(env.SITE_DO.idFromName(name)).snapshot({ goals, limit: perShard, now })));
  return jsonResponse(mergeSnapshots(site.id, parts, limit), 200, { 'cache-control': 'no-store' });
}

export async function handleLiveToken(request: IRequest, env: Env): Promise<Response> {
  const id = siteParam(request);
  const access = await requireAuth(request, env, { site: id, scope: 'stats:read' });
  await siteOr404(env, id);
  const { token, expiresAt } = await issueLiveToken(env, id, viewerOf(access));
  return jsonResponse(
    { token, expires_in: LIVE_TOKEN_TTL_SECONDS, expires_at: new Date(expiresAt * 1000).toISOString(), url: `/api/v1/sites/${encodeURIComponent(id)}/live?token=${token}` },
    201,
    { 'cache-control': 'no-store' },
  );
}

/**
 * The upgrade is authenticated here, before the SiteDO sees it: a live token (`?token=` or a
 * `Sec-WebSocket-Protocol` entry), else whatever requireAuth accepts outside the URL (session
 * cookie, Bearer header) or a share link's `?auth=`. An API key in the URL is refused by both.
 */
export async function handleLive(request: IRequest, env: Env): Promise<Response> {
  const id = siteParam(request);
  if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
    throw new HttpError(426, 'upgrade_required', 'this route speaks WebSocket: send Upgrade: websocket', { upgrade: 'websocket' });
  }
  const offered = (request.headers.get('sec-websocket-protocol') ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  const token = new URL(request.url).searchParams.get('token') ?? offered.find(looksLikeJwt) ?? null;
  let viewer: LiveViewer;
  if (token !== null) viewer = await verifyLiveToken(env, token, id);
  else viewer = viewerOf(await requireAuth(request, env, { site: id, scope: 'stats:read' }));
  const site = await siteOr404(env, id);

  // Only what the SiteDO needs travels on: no cookie, no Authorization, no token.
  const headers = new Headers({ upgrade: 'websocket' });
  headers.set(LIVE_HEADERS.viewer, JSON.stringify({ kind: viewer.kind, id: viewer.id }));
  headers.set(LIVE_HEADERS.site, JSON.stringify(site));
  // Browsers fail a connection whose offered subprotocols get no answer; never echo the token.
  if (offered.includes(LIVE_PROTOCOL)) headers.set(LIVE_HEADERS.protocol, LIVE_PROTOCOL);
  const holder = env.SITE_DO.get(env.SITE_DO.idFromName(shardNames(site.id, site.shards)[0]!));
  // 101 with the socket, or a refusal (too many viewers, …) already in the one JSON error shape.
  return holder.fetch(new Request(`https://site-do/live`, { headers }));
}

export function mountRealtimeRoutes(router: RouterType<IRequest, Args>): void {
  router
    .get('/api/v1/sites/:site/realtime', (req, env) => handleRealtime(req, env))
    .post('/api/v1/sites/:site/live-token', (req, env) => handleLiveToken(req, env))
    .get('/api/v1/sites/:site/live', (req, env) => handleLive(req, env));
}
