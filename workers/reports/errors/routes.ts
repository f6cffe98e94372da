/** `GET /api/v1/sites/{site}/errors` and `…/errors/{fingerprint}` (stats:read). */
import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { requireAuth } from '../../auth';
import { HttpError, jsonResponse } from '../../lib/http-error';
import { pathParam } from '../../lib/path-param';
import { siteDb } from '../../lib/site-db';
import { QueryDb } from '../../query/db';
import { loadSite, parseReportRequest, type ReportRequest } from '../report-request';
import { errorGroupDetail, listErrorGroups } from './report';

export const MAX_LIMIT = 100;

async function prepare(request: IRequest, env: Env): Promise<{ db: QueryDb; req: ReportRequest; url: URL }> {
  const id = pathParam(request, 'site');
  await requireAuth(request, env, { site: id, scope: 'stats:read' });
  const url = new URL(request.url);
  const db = new QueryDb(await siteDb(env, id));
  const req = parseReportRequest(url, await loadSite(db, id), Date.now());
  return { db, req, url };
}

export async function handleErrors(request: IRequest, env: Env): Promise<Response> {
  const { db, req, url } = await prepare(request, env);
  const limitParam = url.searchParams.get('limit');
  const limit = limitParam === null ? 20 : Number(limitParam);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new HttpError(400, 'invalid_request', `limit must be an integer from 1 to ${MAX_LIMIT}`);
  return jsonResponse(await listErrorGroups(db, req, limit), 200, { 'cache-control': 'no-store' });
}

export async function handleErrorDetail(request: IRequest, env: Env): Promise<Response> {
  const fingerprint = pathParam(request, 'fingerprint');
  if (!/^[0-9a-f]{16}$/.test(fingerprint)) throw new HttpError(400, 'invalid_request', 'a fingerprint is 16 hex digits, as the errors list gives it');
  const { db, req } = await prepare(request, env);
  const detail = await errorGroupDetail(db, req, fingerprint);
  if (!detail) throw new HttpError(404, 'not_found', `no error group ${fingerprint} in ${req.dateRange.join(' … ')}`);
  return jsonResponse(detail, 200, { 'cache-control': 'no-store' });
}
