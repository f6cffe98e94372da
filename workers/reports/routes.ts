/** The vitals and errors reports (issue 17; DESIGN §4a), mounted by workers/router.ts. */
import type { IRequest, RouterType } from 'itty-router';
import type { Env } from '../env';
import { handleVitals } from './vitals/routes';
import { handleErrorDetail, handleErrors } from './errors/routes';

type Args = [Env, ExecutionContext];

export function mountReportRoutes(router: RouterType<IRequest, Args>): void {
  router
    .get('/api/v1/sites/:site/vitals', (req, env) => handleVitals(req, env))
    .get('/api/v1/sites/:site/errors', (req, env) => handleErrors(req, env))
    .get('/api/v1/sites/:site/errors/:fingerprint', (req, env) => handleErrorDetail(req, env));
}
