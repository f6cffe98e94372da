import { Router, type IRequest } from 'itty-router';
import type { Env } from './env';
import { errorResponse, HttpError } from './lib/http-error';
import { getHealth } from './health';
import { handleCollect, handleCollectPreflight } from './collect/route';
import { mountManagementRoutes } from './api/routes';
import { mountQueryRoutes } from './query/routes';
import { mountRealtimeRoutes } from './realtime/routes';
import { mountStatsV1Routes } from './stats-v1/routes';
import { mountReportRoutes } from './reports/routes';
import { mountAutomationRoutes } from './automation/routes';
import { handleMcp } from './mcp/handler';

export type Args = [Env, ExecutionContext];

/**
 * The Worker's routes. Each feature mounts its routes here from its own module; handlers stay thin.
 */
export const router = Router<IRequest, Args>({
  catch: errorResponse,
  finally: [],
});

// Management API, JWKS and OpenAPI (issue 3); mounted before the catch-all 404 below.
mountManagementRoutes(router);
// Stats API v2 and CSV export (issue 4).
mountQueryRoutes(router);
// Realtime snapshot, live-stream tokens and the live WebSocket (issue 5).
mountRealtimeRoutes(router);
// Plausible's legacy Stats API v1, answered by the v2 planner (issue 15).
mountStatsV1Routes(router);
// Funnels, retention, journeys (issue 16), vitals and errors (issue 17).
mountReportRoutes(router);
// Annotations, webhooks, alerts, digests, insights, status (issue 19).
mountAutomationRoutes(router);

router
  .get('/api/health', (_req, env) => getHealth(env))
  .post('/api/event', (req, env, ctx) => handleCollect(req, env, ctx))
  .options('/api/event', () => handleCollectPreflight())
  // Normally answered by static assets before the Worker runs; routed here too so that a request
  // that reaches the Worker anyway (tests, a custom route order) gets the same file and headers.
  .get('/js/*', (req, env) => env.ASSETS.fetch(req))
  // MCP (DESIGN §4c): its tools call this router with the caller's credential
  .all('/mcp', (req, env, ctx) => handleMcp(req, env, (inner) => router.fetch(inner, env, ctx)))
  .all('*', () => {
    throw new HttpError(404, 'not_found', 'no such route');
  });
