/**
 * Plausible's legacy Stats API v1 (DESIGN §4), for integrations written against it (n8n nodes,
 * scripts): `GET /api/v1/stats/realtime/visitors`, `…/aggregate`, `…/timeseries`, `…/breakdown`,
 * all with `site_id` in the query and the same `stats:read` keys and rate limits as v2. Each
 * request becomes a v2 query for the one planner (translate.ts); no second engine.
 */
import type { IRequest, RouterType } from 'itty-router';
import type { Env } from '../env';
import { authenticate, requireAuth } from '../auth';
import { HttpError, jsonResponse } from '../lib/http-error';
import { getSiteConfig } from '../lib/site-config';
import { loadGoals } from '../lib/goals';
import { localDay } from '../lib/timezone';
import { siteDb } from '../lib/site-db';
import { runQuery } from '../query/run-query';
import { MAX_QUERY_BYTES } from '../query/routes';
import { shardNames } from '../../contract/shards';
import { planV1, shapeV1, type V1Endpoint } from './translate';

type Args = [Env, ExecutionContext];

/** The caller's credential first (401 before anything else), then the site it names. */
async function authorizeSite(request: Request, env: Env): Promise<string> {
  const principal = await authenticate(request, env);
  // the whole request rides in the URL: the same bound as a v2 body
  if (request.url.length > MAX_QUERY_BYTES) throw new HttpError(414, 'uri_too_long', `query string over ${MAX_QUERY_BYTES / 1024} KB`);
  const site = new URL(request.url).searchParams.get('site_id');
  if (!site) throw new HttpError(400, 'invalid_request', 'Missing site ID. Please provide the required site_id parameter with your request.');
  await requireAuth(request, env, { site, scope: 'stats:read' }, principal);
  return site;
}

async function handleStats(endpoint: V1Endpoint, request: Request, env: Env): Promise<Response> {
  const siteId = await authorizeSite(request, env);
  const site = await getSiteConfig(env.DB, siteId);
  if (!site) throw new HttpError(404, 'not_found', `no site ${siteId}`);
  const db = await siteDb(env, site.id);
  const params = new URL(request.url).searchParams;
  const now = Date.now();
  const goals = params.get('filters')?.includes('event:goal') ? await loadGoals(db, site.id) : [];
  const plan = planV1(endpoint, params, site.id, localDay(now, site.timezone), goals);
  const result = await runQuery(db, site.id, plan.body, now);
  return jsonResponse(shapeV1(plan, result));
}

/** Current visitors (last event under 5 minutes ago), summed over the site's shards: a bare integer. */
async function handleRealtimeVisitors(request: Request, env: Env): Promise<Response> {
  const siteId = await authorizeSite(request, env);
  const site = await getSiteConfig(env.DB, siteId);
  if (!site) throw new HttpError(404, 'not_found', `no site ${siteId}`);
  const now = Date.now();
  const parts = await Promise.all(shardNames(site.id, site.shards).map((name) => env.SITE_DO.get(env.SITE_DO.idFromName(name)).snapshot({ goals: [], limit: 1, now })));
  return jsonResponse(parts.reduce((sum, p) => sum + p.visitors, 0), 200, { 'cache-control': 'no-store' });
}

export function mountStatsV1Routes(router: RouterType<IRequest, Args>): void {
  router
    .get('/api/v1/stats/realtime/visitors', (req, env) => handleRealtimeVisitors(req, env))
    .get('/api/v1/stats/aggregate', (req, env) => handleStats('aggregate', req, env))
    .get('/api/v1/stats/timeseries', (req, env) => handleStats('timeseries', req, env))
    .get('/api/v1/stats/breakdown', (req, env) => handleStats('breakdown', req, env));
}
