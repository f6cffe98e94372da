// @ts-check
/**
 * A local stand-in for the two Cloudflare API calls the status makes (workers/status/queue-depth.ts),
 * for the workerd tests: the real API is unreachable from this machine (and from CI), so this
 * server answers in the shapes Cloudflare documents, its error answers included:
 *
 *   GET  /client/v4/accounts/<account>/queues   {"success", "errors", "messages", "result": [{queue_id, queue_name}]}
 *   POST /client/v4/graphql                     {"data": {"viewer": {"accounts": [{<alias>: [{dimensions, avg}]}]}}, "errors": null}
 *
 * The account id picks how it answers (the token must be `Bearer test-cf-token`, else 403 as
 * Cloudflare's "Authentication error"):
 *   acct-ok           every Pulse queue listed; backlog 12 / 4096 bytes for pulse-events, 0 for the others
 *   acct-graphql-err  the queue list, then GraphQL's HTTP 200 with `data: null` and an `errors` array
 *   acct-500          500 with an HTML page (a proxy in between)
 *   acct-slow         answers after 10 s (the status must give up first)
 *   acct-no-queues    an empty queue list (the queues of wrangler.toml were never created)
 * Every request is counted per account (`GET /calls/<account>`), so the cache can be checked.
 */
import { createServer } from 'node:http';

const QUEUES = ['pulse-events', 'pulse-events-dlq', 'pulse-webhooks', 'pulse-webhooks-dlq'];
/** @param {string} name */
const idOf = (name) => `q-${name}`;
/** @type {Record<string, { messages: number, bytes: number }>} */
const BACKLOG = { 'pulse-events': { messages: 12, bytes: 4096 } };

/** @returns {Promise<string>} */
export function startCloudflareApiServer() {
  /** @type {Map<string, number>} */
  const calls = new Map();
  /** @param {import('node:http').ServerResponse} res @param {number} status @param {unknown} body */
  const send = (res, status, body, type = 'application/json') => void res.writeHead(status, { 'content-type': type }).end(typeof body === 'string' ? body : JSON.stringify(body));
  const authError = { success: false, errors: [{ code: 10000, message: 'Authentication error' }], messages: [], result: null };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://cf');
    const counted = /^\/calls\/([\w-]+)$/.exec(url.pathname);
    if (counted) return send(res, 200, { calls: calls.get(counted[1]) ?? 0 });
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const list = /^\/client\/v4\/accounts\/([\w-]+)\/queues$/.exec(url.pathname);
      let account = list?.[1];
      /** @type {any} */
      let gql = null;
      if (!list && url.pathname === '/client/v4/graphql' && req.method === 'POST') {
        try {
          gql = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          return send(res, 400, { data: null, errors: [{ message: 'failed to parse the request body' }] });
        }
        account = gql?.variables?.accountTag;
      }
      if (!account) return send(res, 404, { success: false, errors: [{ code: 7003, message: 'No route for that URI' }], messages: [], result: null });
      calls.set(account, (calls.get(account) ?? 0) + 1);
      if (req.headers.authorization !== 'Bearer test-cf-token') return send(res, 403, gql ? { data: null, errors: [{ message: 'Authentication error' }] } : authError);
      if (account === 'acct-500') return send(res, 500, '<html><body>500 Internal Server Error</body></html>', 'text/html');
      if (account === 'acct-slow') return void setTimeout(() => send(res, 200, { success: true, errors: [], messages: [], result: [] }), 10_000);
      if (list) {
        const result = account === 'acct-no-queues' ? [] : QUEUES.map((name) => ({ queue_id: idOf(name), queue_name: name, created_on: '2026-11-01T00:00:00Z', producers_total_count: 1, consumers_total_count: 1 }));
        return send(res, 200, { success: true, errors: [], messages: [], result, result_info: { page: 1, per_page: 100, count: result.length, total_count: result.length } });
      }
      if (account === 'acct-graphql-err') {
        return send(res, 200, { data: null, errors: [{ message: 'does not have access to the path', path: ['viewer', 'accounts', '0', 'queueBacklogAdaptiveGroups'], extensions: { timestamp: new Date().toISOString() } }] });
      }
      // one alias per queue id, as the Worker asks: `q0: queueBacklogAdaptiveGroups(filter: {queueId: $q0, …})`
      /** @type {Record<string, unknown[]>} */
      const groups = {};
      for (const [key, id] of Object.entries(gql.variables ?? {})) {
        if (!/^q\d+$/.test(key)) continue;
        const name = QUEUES.find((q) => idOf(q) === id);
        if (!gql.query.includes(`${key}: queueBacklogAdaptiveGroups`)) return send(res, 200, { data: null, errors: [{ message: `error parsing args: unknown alias ${key}` }] });
        const avg = (name && BACKLOG[name]) ?? { messages: 0, bytes: 0 };
        groups[key] = name ? [{ dimensions: { datetimeMinute: new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000).toISOString() }, avg }] : [];
      }
      return send(res, 200, { data: { viewer: { accounts: [groups] } }, errors: null });
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      server.unref();
      resolve(`http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}/client/v4`);
    });
  });
}
