/**
 * `GET /api/v1/sites/:site/retention?interval=day|week|month` with `period` or `date` and
 * `filters` (visit filters on the first session), `stats:read` on the site.
 */
import type { IRequest } from 'itty-router';
import { requireAuth } from '../../auth';
import type { Env } from '../../env';
import { jsonResponse } from '../../lib/http-error';
import { pathParam } from '../../lib/path-param';
import { siteDb } from '../../lib/site-db';
import { QueryDb } from '../../query/db';
import { bad, dateRangeFromUrl, jsonParam } from '../params';
import { INTERVALS, type Interval } from './intervals';
import { runRetention } from './run-retention';

export async function handleRetention(request: IRequest, env: Env): Promise<Response> {
  const site = pathParam(request, 'site');
  await requireAuth(request, env, { site, scope: 'stats:read' });
  const url = new URL(request.url);
  const interval = url.searchParams.get('interval') ?? 'week';
  if (!(INTERVALS as readonly string[]).includes(interval)) throw bad(`interval: expected day, week or month, got ${JSON.stringify(interval.slice(0, 40))}`);
  const given = url.searchParams.has('date') || url.searchParams.has('period');
  const db = new QueryDb(await siteDb(env, site));
  const answer = await runRetention(db, site, {
    interval: interval as Interval,
    dateRange: given ? dateRangeFromUrl(url) : null,
    filters: jsonParam(url, 'filters'),
  }, Date.now());
  return jsonResponse(answer);
}
