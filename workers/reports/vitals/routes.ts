/** `GET /api/v1/sites/{site}/vitals` (stats:read): parse the URL, run the report, answer JSON. */
import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { requireAuth } from '../../auth';
import { HttpError, jsonResponse } from '../../lib/http-error';
import { pathParam } from '../../lib/path-param';
import { siteDb } from '../../lib/site-db';
import { QueryDb } from '../../query/db';
import { loadSite, parseReportRequest } from '../report-request';
import { REPORT_DIMENSIONS, runVitalsReport } from './report';

export const MAX_LIMIT = 1000;
/** a dashboard table's rows; each row shown reads its days' histograms */
export const DEFAULT_LIMIT = 20;

export async function handleVitals(request: IRequest, env: Env): Promise<Response> {
  const id = pathParam(request, 'site');
  await requireAuth(request, env, { site: id, scope: 'stats:read' });
  const url = new URL(request.url);
  const db = new QueryDb(await siteDb(env, id));
  const req = parseReportRequest(url, await loadSite(db, id), Date.now());
  const dimension = url.searchParams.get('dimension');
  if (dimension !== null && !(REPORT_DIMENSIONS as string[]).includes(dimension)) {
    throw new HttpError(400, 'invalid_request', `dimension must be one of ${REPORT_DIMENSIONS.join(', ')}`);
  }
  const limitParam = url.searchParams.get('limit');
  const limit = limitParam === null ? DEFAULT_LIMIT : Number(limitParam);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new HttpError(400, 'invalid_request', `limit must be an integer from 1 to ${MAX_LIMIT}`);
  const include = (url.searchParams.get('include') ?? '').split(',').filter(Boolean);
  for (const i of include) if (i !== 'timeseries') throw new HttpError(400, 'invalid_request', `include takes timeseries, not ${i}`);
  const report = await runVitalsReport(db, req, { dimension: dimension as (typeof REPORT_DIMENSIONS)[number] | null, limit, timeseries: include.includes('timeseries') });
  return jsonResponse(report, 200, { 'cache-control': 'no-store' });
}
