/**
 * `POST /api/event` (DESIGN §3): read the body (413 over 64 KB), authenticate a server-side key
 * or apply the per-IP limit (429), parse (400 for invalid input), run each event through the
 * pipeline (pipeline.ts), hand the results to the sites' SiteDOs (fan-out.ts), and answer 202
 * once every accepted event is in a SiteDO's storage. Drops are still 202, with `x-pulse-dropped`.
 */
import type { IRequest } from 'itty-router';
import type { Env } from '../env';
import type { IncomingEvent } from '../../contract/events';
import { errorResponse } from '../lib/http-error';
import { readLimitedText } from '../lib/body';
import { assertIngestSite, authenticateIngest } from '../auth/access';
import { parseEventBody } from './parse-body';
import { runPipeline, type RequestContext } from './pipeline';
import { fanOut } from './fan-out';
import { enforceIpLimit } from './ip-limit';


/**
 * Any page may send events (the tracker runs on the site's own origin), and an `application/json`
 * POST from another origin needs a CORS preflight first; without an answer to it the browser never
 * sends the event. Credentials are never involved (no cookies), so `*` is safe.
 */
const CORS_HEADERS = { 'access-control-allow-origin': '*' };
const PREFLIGHT_HEADERS = {
  ...CORS_HEADERS,
  'access-control-allow-methods': 'POST',
  'access-control-allow-headers': 'content-type',
  'access-control-max-age': '86400',
};

/** `OPTIONS /api/event`: the CORS preflight of a cross-origin JSON event. */
export function handleCollectPreflight(): Response {
  return new Response(null, { status: 204, headers: PREFLIGHT_HEADERS });
}

/** Every answer carries ACAO, errors too, so a page's script can read why an event was refused. */
export async function handleCollect(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  let response: Response;
  try {
    response = await collect(request, env, ctx);
  } catch (err) {
    response = errorResponse(err);
  }
  for (const [name, value] of Object.entries(CORS_HEADERS)) response.headers.set(name, value);
  return response;
}

async function collect(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  const now = Date.now();
  const text = await readLimitedText(request);
  const headerIp = request.headers.get('cf-connecting-ip') ?? '0.0.0.0';
  // Keyed server-side calls (imports, backfills) have the key's own rate limit instead of the IP's.
  const key = await authenticateIngest(request as unknown as Request, env);
  if (!key) await enforceIpLimit(env, headerIp, now);
  const incoming = parseEventBody(text, { trusted: key !== null, now });
  if (key) for (const event of incoming) event.domains.forEach((domain) => assertIngestSite(key, domain));

  const outgoing = incoming.map((event) => ({
    domains: event.domains,
    outcome: runPipeline(event, requestContext(request, event, key !== null, headerIp, now)),
  }));
  const dropped = await fanOut(env, ctx, outgoing, now);
  return new Response('ok', {
    status: 202,
    headers: { 'content-type': 'text/plain; charset=utf-8', ...(dropped ? { 'x-pulse-dropped': String(dropped) } : {}) },
  });
}

/** Server-side calls with an `events:write` key may name the visitor's IP and UA (DESIGN §3). */
function requestContext(request: IRequest, event: IncomingEvent, trusted: boolean, headerIp: string, now: number): RequestContext {
  const forwarded = request.headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  return {
    ip: (trusted && (event.ip ?? forwarded)) || headerIp,
    ua: (trusted && event.ua) || request.headers.get('user-agent') || '',
    cf: request.cf as IncomingRequestCfProperties | undefined,
    now,
  };
}
