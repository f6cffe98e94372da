/** `GET /api/v1/sites/:site/journeys?start=&steps=&limit=` with `period` or `date` and `filters`, `stats:read`. */
import type { IRequest } from 'itty-router';
import { requireAuth } from '../../auth';
import type { Env } from '../../env';
import { jsonResponse } from '../../lib/http-error';
import { pathParam } from '../../lib/path-param';
import { siteDb } from '../../lib/site-db';
import { QueryDb } from '../../query/db';
import { bad, dateRangeFromUrl, jsonParam } from '../params';
import { boundedInt, MAX_LIMIT, MAX_STEPS, runJourneys } from './run-journeys';

export async function handleJourneys(request: IRequest, env: Env): Promise<Response> {
  const site = pathParam(request, 'site');
  await requireAuth(request, env, { site, scope: 'stats:read' });
  const url = new URL(request.url);
  const start = url.searchParams.get('start');
  if (start !== null && (!start.startsWith('/') || start.length > 2000)) throw bad('start: expected a page path starting with / (at most 2000 characters)');
  const db = new QueryDb(await siteDb(env, site));
  const answer = await runJourneys(db, site, {
    start,
    steps: boundedInt(url.searchParams.get('steps'), 'steps', 5, 2, MAX_STEPS),
    limit: boundedInt(url.searchParams.get('limit'), 'limit', 20, 1, MAX_LIMIT),
    dateRange: dateRangeFromUrl(url),
    filters: jsonParam(url, 'filters'),
  }, Date.now());
  return jsonResponse(answer);
}
