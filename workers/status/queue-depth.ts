/**
 * The depth of Pulse's Queues, which a Worker cannot read from its bindings: asked of Cloudflare's
 * GraphQL Analytics API (dataset `queueBacklogAdaptiveGroups`, `avg { messages bytes }` per
 * `queueId`, developers.cloudflare.com/queues/observability/metrics/) when the operator set
 * `CF_ACCOUNT_ID` and the secret `CF_API_TOKEN` (Account Analytics: Read, and Queues: Read to find
 * the queues' ids by name through `GET /accounts/{id}/queues`). Both calls share one 3 s budget
 * and the answer, failures included, is kept a minute per isolate: the status page may be
 * reloaded often, Cloudflare's samples are per minute anyway, and a slow or failing API must not
 * slow every status read. Any failure is a null depth with the reason, never an error of the status.
 */
import type { Env } from '../env';

export interface QueueDepth {
  /** messages waiting, Cloudflare's average over the newest minute sampled */
  backlog: number | null;
  backlog_bytes: number | null;
  /** the minute that sample covers */
  measured_at: string | null;
  /** why there is no number (null when there is one) */
  reason: string | null;
}

export const NOT_CONFIGURED = 'set CF_ACCOUNT_ID and CF_API_TOKEN';
export const CF_API_DEFAULT = 'https://api.cloudflare.com/client/v4';
const BUDGET_MS = 3_000;
const CACHE_MS = 60_000;
/** how far back a sample still counts as the current backlog */
const SAMPLE_WINDOW_MS = 10 * 60_000;

const cache = new Map<string, { at: number; depths: Record<string, QueueDepth> }>();

const unknown = (reason: string): QueueDepth => ({ backlog: null, backlog_bytes: null, measured_at: null, reason });

class CloudflareApiError extends Error {}

async function callApi<T>(url: string, token: string, signal: AbortSignal, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: body === undefined ? 'GET' : 'POST',
      signal,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    throw new CloudflareApiError(timedOut ? `the Cloudflare API gave no answer within ${BUDGET_MS / 1000} s` : `the Cloudflare API is unreachable (${err instanceof Error ? err.message : String(err)})`);
  }
  const text = await res.text();
  type Answer = { errors?: { message?: string }[] | null };
  let json: Answer | null = null;
  try {
    json = JSON.parse(text) as Answer;
  } catch {
    // not JSON (an HTML error page from a proxy): the status code says enough
  }
  const first = (json as Answer | null)?.errors?.find((e) => typeof e?.message === 'string')?.message;
  if (!res.ok) throw new CloudflareApiError(`the Cloudflare API answered HTTP ${res.status}${first ? `: ${first}` : ''}`);
  if (!json) throw new CloudflareApiError('the Cloudflare API answered something other than JSON');
  // GraphQL answers 200 with an `errors` array when the query fails (analytics/graphql-api/errors/)
  if (first) throw new CloudflareApiError(`the Cloudflare API refused the query: ${first}`);
  return json as T;
}

const QUERY_GROUP = (alias: string) =>
  `${alias}: queueBacklogAdaptiveGroups(limit: 1, filter: {queueId: $${alias}, datetime_geq: $since}, orderBy: [datetimeMinute_DESC]) { dimensions { datetimeMinute } avg { messages bytes } }`;

type Group = { dimensions?: { datetimeMinute?: string }; avg?: { messages?: number; bytes?: number } };

async function measure(base: string, account: string, token: string, names: string[], now: number): Promise<Record<string, QueueDepth>> {
  const signal = AbortSignal.timeout(BUDGET_MS);
  const listed = await callApi<{ result?: { queue_id: string; queue_name: string }[] }>(`${base}/accounts/${encodeURIComponent(account)}/queues`, token, signal);
  const ids = new Map((listed.result ?? []).map((q) => [q.queue_name, q.queue_id]));
  const asked = names.filter((n) => ids.has(n));
  const depths: Record<string, QueueDepth> = Object.fromEntries(names.map((n) => [n, unknown(`no queue named ${n} in account ${account}`)]));
  if (!asked.length) return depths;
  const aliases = asked.map((_, i) => `q${i}`);
  const query = `query PulseQueueBacklog($accountTag: string!, $since: Time!, ${aliases.map((a) => `$${a}: string!`).join(', ')}) { viewer { accounts(filter: {accountTag: $accountTag}) { ${aliases.map(QUERY_GROUP).join(' ')} } } }`;
  const variables = { accountTag: account, since: new Date(now - SAMPLE_WINDOW_MS).toISOString(), ...Object.fromEntries(asked.map((n, i) => [`q${i}`, ids.get(n)!])) };
  const answer = await callApi<{ data?: { viewer?: { accounts?: Record<string, Group[]>[] } } }>(`${base}/graphql`, token, signal, { query, variables });
  const groups = answer.data?.viewer?.accounts?.[0];
  if (!groups) throw new CloudflareApiError(`the Cloudflare API knows no account ${account}`);
  asked.forEach((name, i) => {
    const sample = groups[`q${i}`]?.[0];
    const messages = sample?.avg?.messages;
    depths[name] = typeof messages === 'number'
      ? { backlog: Math.round(messages), backlog_bytes: Math.round(sample?.avg?.bytes ?? 0), measured_at: sample?.dimensions?.datetimeMinute ?? null, reason: null }
      : unknown(`Cloudflare has no backlog sample of ${name} in the last ${SAMPLE_WINDOW_MS / 60_000} minutes`);
  });
  return depths;
}

/** Each named queue's depth (or a reason why not), at most one pair of API calls a minute per isolate. */
export async function readQueueDepths(env: Pick<Env, 'CF_ACCOUNT_ID' | 'CF_API_TOKEN' | 'CF_API_BASE_URL'>, names: string[], now = Date.now()): Promise<Record<string, QueueDepth>> {
  const account = env.CF_ACCOUNT_ID?.trim();
  const token = env.CF_API_TOKEN?.trim();
  if (!account || !token) return Object.fromEntries(names.map((n) => [n, unknown(NOT_CONFIGURED)]));
  const base = (env.CF_API_BASE_URL || CF_API_DEFAULT).replace(/\/+$/, '');
  const key = `${base}|${account}|${names.join(',')}`;
  const hit = cache.get(key);
  if (hit && now - hit.at < CACHE_MS && now >= hit.at) return hit.depths;
  let depths: Record<string, QueueDepth>;
  try {
    depths = await measure(base, account, token, names, now);
  } catch (err) {
    if (!(err instanceof CloudflareApiError)) console.error('queue depth: unexpected failure', err);
    const reason = err instanceof CloudflareApiError ? err.message : `reading the queue depth failed (${err instanceof Error ? err.message : String(err)})`;
    depths = Object.fromEntries(names.map((n) => [n, unknown(reason)]));
  }
  cache.set(key, { at: now, depths });
  return depths;
}
