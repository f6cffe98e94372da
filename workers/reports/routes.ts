/**
 * Behaviour reports (DESIGN §4a, issue 16): funnels, retention and journeys, each in its own
 * folder (validate -> plan -> SQL -> shape), all `stats:read` on the site.
 */
import type { IRequest, RouterType } from 'itty-router';
import type { Env } from '../env';
import { handleFunnelQuery, handleStoredFunnel } from './funnels/route';
import { handleJourneys } from './journeys/route';
import { handleRetention } from './retention/route';

type Args = [Env, ExecutionContext];

export function mountReportRoutes(router: RouterType<IRequest, Args>): void {
  router
    // `query` is matched before `:id`: the ad-hoc funnel is a POST, a stored one a GET
    .post('/api/v1/sites/:site/funnels/query', (req, env) => handleFunnelQuery(req, env))
    .get('/api/v1/sites/:site/funnels/:id', (req, env) => handleStoredFunnel(req, env))
    .get('/api/v1/sites/:site/retention', (req, env) => handleRetention(req, env))
    .get('/api/v1/sites/:site/journeys', (req, env) => handleJourneys(req, env));
}
