/**
 * HTTP for the query engine: `POST /api/v2/query` (Plausible Stats API v2) and
 * `GET /api/v1/sites/:site/export.csv` (the same query as URL parameters, every row, streamed).
 * Both need `stats:read` on the site (key, user role, share link, or a public site).
 */
import type { IRequest, RouterType } from 'itty-router';
import { authenticate, requireAuth } from '../auth';
import { checkDeclaredLength, MAX_BODY_BYTES, readLimitedText } from '../lib/body';
import type { Env } from '../env';
import { HttpError, jsonResponse } from '../lib/http-error';
import { toCsvStream } from './csv';
import { metricNumber } from './revenue';
import { handlePropKeys } from './prop-keys';
import { runQuery } from './run-query';
import { pathParam } from '../lib/path-param';
import { siteDb } from '../lib/site-db';

type Args = [Env, ExecutionContext];

const bad = (message: string) => new HttpError(400, 'invalid_query', message);

/**
 * Query bodies are small (a Plausible dashboard's biggest is a few KB): 64 KB, like every JSON
 * body the Worker takes. The caller's credential is checked before the body is read, so a bad or
 * revoked token never costs a parse; only the public-site check needs the body's `site_id`.
 */
export const MAX_QUERY_BYTES = MAX_BODY_BYTES;

export async function handleQuery(request: Request, env: Env): Promise<Response> {
  checkDeclaredLength(request, MAX_QUERY_BYTES);
  const principal = await authenticate(request, env);
  const text = await readLimitedText(request, MAX_QUERY_BYTES);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw bad('#: Request body must be JSON'); // a parse failure has no detail worth returning
  }
  const site = (body as { site_id?: unknown } | null)?.site_id;
  if (typeof site !== 'string' || site === '') throw bad('#: Required property site_id was not present.');
  await requireAuth(request, env, { site, scope: 'stats:read' }, principal);
  return jsonResponse(await runQuery(await siteDb(env, site), site, body, Date.now()));
}

/** JSON-valued URL parameters (`filters`, `order_by`, array `date_range`) or plain strings. */
function param(url: URL, name: string): unknown {
  const raw = url.searchParams.get(name);
  if (raw === null) return undefined;
  if (/^\s*[[{]/.test(raw)) {
    try {
      return JSON.parse(raw);
    } catch {
      throw bad(`#/${name}: Invalid JSON`);
    }
  }
  return raw;
}

/** The query of an export: `?query=<JSON body>`, or `metrics=a,b&dimensions=x&date_range=30d&filters=[…]`. */
export function exportQuery(url: URL, site: string): Record<string, unknown> {
  const whole = param(url, 'query');
  if (whole !== undefined) return { ...(whole as Record<string, unknown>), site_id: site };
  const list = (name: string) => {
    const v = param(url, name);
    return typeof v === 'string' ? v.split(',').filter(Boolean) : v;
  };
  const body: Record<string, unknown> = { site_id: site, metrics: list('metrics') ?? ['visitors'], date_range: param(url, 'date_range') ?? '30d' };
  for (const key of ['dimensions'] as const) if (url.searchParams.has(key)) body[key] = list(key);
  for (const key of ['filters', 'order_by'] as const) if (url.searchParams.has(key)) body[key] = param(url, key);
  return body;
}

export async function handleExport(request: IRequest, env: Env): Promise<Response> {
  const site = pathParam(request, 'site');
  await requireAuth(request, env, { site, scope: 'stats:read' });
  // the export's query rides in the URL: the same bound as a POSTed body
  if (request.url.length > MAX_QUERY_BYTES) throw new HttpError(414, 'uri_too_long', `query string over ${MAX_QUERY_BYTES / 1024} KB`);
  const body = exportQuery(new URL(request.url), site);
  const result = await runQuery(await siteDb(env, site), site, body, Date.now(), { paginate: false });
  const [first, last] = (result.query.date_range as string[]).map((d) => d.slice(0, 10));
  const dims = (body.dimensions as string[] | undefined) ?? [];
  // revenue cells are plain amounts: spreadsheets sum numbers, not `{value, currency}` objects
  const rows = result.results.map((r) => ({ dimensions: r.dimensions, metrics: r.metrics.map(metricNumber) }));
  return new Response(toCsvStream([...dims, ...(body.metrics as string[])], rows), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${site.replace(/[^\w.-]/g, '_')}-${first}-${last}.csv"`,
    },
  });
}

export function mountQueryRoutes(router: RouterType<IRequest, Args>): void {
  router
    .post('/api/v2/query', (req, env) => handleQuery(req, env))
    .get('/api/v1/sites/:site/export.csv', (req, env) => handleExport(req, env))
    .get('/api/v1/sites/:site/prop-keys', (req, env) => handlePropKeys(req, env));
}
