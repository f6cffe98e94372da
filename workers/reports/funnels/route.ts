/**
 * `GET /api/v1/sites/:site/funnels/:id` (a stored funnel: `period` or `date`, `filters`, `window`
 * as URL parameters) and `POST /api/v1/sites/:site/funnels/query` (`{steps, date_range, filters?,
 * window?, name?}`). Both need `stats:read` on the site.
 */
import type { IRequest } from 'itty-router';
import { requireAuth } from '../../auth';
import type { Env } from '../../env';
import { checkDeclaredLength, MAX_BODY_BYTES, readLimitedText } from '../../lib/body';
import { HttpError, jsonResponse } from '../../lib/http-error';
import { pathParam } from '../../lib/path-param';
import { siteDb } from '../../lib/site-db';
import { QueryDb } from '../../query/db';
import { assertBodyDepth } from '../../query/validate';
import { bad, dateRangeFromUrl, jsonParam } from '../params';
import { runFunnel } from './run-funnel';
import { parseSteps, parseWindow } from './steps';

const BODY_KEYS = ['steps', 'date_range', 'filters', 'window', 'name'];

export async function handleStoredFunnel(request: IRequest, env: Env): Promise<Response> {
  const site = pathParam(request, 'site');
  await requireAuth(request, env, { site, scope: 'stats:read' });
  const id = pathParam(request, 'id');
  const db = new QueryDb(await siteDb(env, site));
  const [row] = await db.all<{ id: string; name: string; steps: string }>('SELECT id, name, steps FROM funnels WHERE site_id = ?1 AND id = ?2', [site, id]);
  if (!row) throw new HttpError(404, 'not_found', `no funnel "${id}" on this site`);
  const url = new URL(request.url);
  const rawSteps: unknown = JSON.parse(row.steps);
  const answer = await runFunnel(db, site, {
    funnel: { id: row.id, name: row.name },
    steps: parseSteps(rawSteps),
    rawSteps,
    dateRange: dateRangeFromUrl(url),
    filters: jsonParam(url, 'filters'),
    window: parseWindow(url.searchParams.get('window') ?? undefined),
  }, Date.now());
  return jsonResponse(answer);
}

export async function handleFunnelQuery(request: IRequest, env: Env): Promise<Response> {
  const site = pathParam(request, 'site');
  checkDeclaredLength(request, MAX_BODY_BYTES);
  await requireAuth(request, env, { site, scope: 'stats:read' });
  let body: unknown;
  try {
    body = JSON.parse(await readLimitedText(request, MAX_BODY_BYTES));
  } catch (err) {
    if (err instanceof HttpError) throw err;
    throw bad('#: Request body must be JSON');
  }
  assertBodyDepth(body);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('#: Expected a JSON object');
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) if (!BODY_KEYS.includes(key)) throw bad(`#/${key}: Unknown key "${key}"`);
  if (b.steps === undefined) throw bad('#: Required property steps was not present.');
  if (b.name !== undefined && (typeof b.name !== 'string' || b.name.length > 120)) throw bad('#/name: Expected a string of at most 120 characters');
  const steps = parseSteps(b.steps);
  const db = new QueryDb(await siteDb(env, site));
  const answer = await runFunnel(db, site, {
    funnel: { id: null, name: (b.name as string | undefined) ?? 'Funnel' },
    steps,
    rawSteps: b.steps,
    dateRange: b.date_range ?? '30d',
    filters: b.filters,
    window: parseWindow(b.window),
  }, Date.now());
  return jsonResponse(answer);
}
