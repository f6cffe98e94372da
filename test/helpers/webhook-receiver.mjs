// @ts-check
/**
 * A local webhook receiver for the workerd tests: a real HTTP server in the Node process that
 * runs vitest, started from vitest.config.ts and reached by the Worker over loopback (the test
 * configuration allows loopback targets, as `npm run dev` does). Each test uses a box of its own:
 *
 *   POST /box/<name>?status=500        answer 500 (default 200)
 *   POST /box/<name>?fail_first=2      answer 500 to the first two requests of the box, then 200
 *   GET  /box/<name>                   what the box received: [{ method, headers, body, status, at }]
 */
import { createServer } from 'node:http';

/** @returns {Promise<string>} */
export function startWebhookReceiver() {
  /** @type {Map<string, object[]>} */
  const boxes = new Map();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://receiver');
    const match = /^\/box\/([\w-]{1,80})$/.exec(url.pathname);
    if (!match) return void res.writeHead(404).end();
    const box = boxes.get(match[1]) ?? [];
    boxes.set(match[1], box);
    if (req.method === 'GET') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(box));
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const failFirst = Number(url.searchParams.get('fail_first') ?? 0);
      const status = box.length < failFirst ? 500 : Number(url.searchParams.get('status') ?? 200);
      box.push({ method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status, at: Date.now() });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'nope');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      // never keeps vitest alive on its own
      server.unref();
      resolve(`http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`);
    });
  });
}
