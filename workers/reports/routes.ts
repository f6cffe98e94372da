/**
 * The reports beyond the Stats API (DESIGN §4a), each in its own folder (validate -> plan -> SQL ->
 * shape), all `stats:read` on the site: funnels, retention and journeys (issue 16), vitals and
 * errors (issue 17).
 */
import type { IRequest, RouterType } from 'itty-router';
import type { Env } from '../env';
import { handleErrorDetail, handleErrors } from './errors/routes';
import { handleFunnelQuery, handleStoredFunnel } from './funnels/route';
import { handleJourneys } from './journeys/route';
import { handleRetention } from './retention/route';
import { handleVitals } from './vitals/routes';

type Args = [Env, ExecutionContext];

export function mountReportRoutes(router: RouterType<IRequest, Args>): void {
  router
    // `query` is matched before `:id`: the ad-hoc funnel is a POST, a stored one a GET
    .post('/api/v1/sites/:site/funnels/query', (req, env) => handleFunnelQuery(req, env))
    .get('/api/v1/sites/:site/funnels/:id', (req, env) => handleStoredFunnel(req, env))
    .get('/api/v1/sites/:site/retention', (req, env) => handleRetention(req, env))
    .get('/api/v1/sites/:site/journeys', (req, env) => handleJourneys(req, env))
    .get('/api/v1/sites/:site/vitals', (req, env) => handleVitals(req, env))
    .get('/api/v1/sites/:site/errors', (req, env) => handleErrors(req, env))
    .get('/api/v1/sites/:site/errors/:fingerprint', (req, env) => handleErrorDetail(req, env));
}
