/**
 * Issue 13: query bodies of any size were parsed before the caller was authenticated. Bodies are
 * now capped at 64 KB in bytes (declared or streamed), and a bad token is refused before any of
 * the body is read.
 */
import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, call, makeKey, makeSite, ORIGIN } from '../../test/helpers/api';
import { Fixture } from '../../test/helpers/query-fixtures';

let site: string;
let key: string;

beforeAll(async () => {
  site = await makeSite();
  await new Fixture(site).visit({ visitor: 1, at: '2024-01-15T10:00:00Z' }, [{ path: '/' }]).write(env.DB);
  key = (await makeKey([site], 'stats:read')).token;
});

const query = () => ({ site_id: site, metrics: ['visitors'], date_range: ['2024-01-15', '2024-01-15'] });

/** A body that arrives in chunks with no content-length, as a chunked upload does. */
function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, (at += 8192)));
    },
  });
}

describe('POST /api/v2/query body limits', () => {
  it('refuses a body over 64 KB with 413, declared or streamed', async () => {
    const big = JSON.stringify({ ...query(), pad: 'x'.repeat(100_000) });
    const declared = await call('/api/v2/query', { token: key, body: JSON.parse(big) });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({ error: 'request body over 64 KB', code: 'payload_too_large' });
    const streamed = await SELF.fetch(`${ORIGIN}/api/v2/query`, {
      method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: chunked(big),
    });
    expect(streamed.status).toBe(413);
  });

  it('counts bytes, not characters', async () => {
    // 40k two-byte characters: 80 KB on the wire, 40k UTF-16 units
    const res = await call('/api/v2/query', { token: key, body: { ...query(), pad: 'é'.repeat(40_000) } });
    expect(res.status).toBe(413);
  });

  it('refuses a bad token before reading the body', async () => {
    const res = await SELF.fetch(`${ORIGIN}/api/v2/query`, {
      method: 'POST', headers: { authorization: 'Bearer not-a-token', 'content-type': 'application/json' }, body: chunked('{'.repeat(2_000_000)),
    });
    expect(res.status).toBe(401);
  });

  it('still answers a query of ordinary size, and anonymous callers of a private site get 401', async () => {
    expect((await call('/api/v2/query', { token: key, body: query() })).status).toBe(200);
    expect((await call('/api/v2/query', { body: query() })).status).toBe(401);
  });
});

describe('GET /api/v1/sites/:site/export.csv limits', () => {
  it('refuses a query string over 64 KB with 414', async () => {
    const qs = new URLSearchParams({ metrics: 'visitors', date_range: '30d', filters: JSON.stringify([['is', 'event:page', Array(5000).fill('/long-path-x')]]) });
    const res = await call(`/api/v1/sites/${site}/export.csv?${qs}`, { token: key });
    expect(res.status).toBe(414);
    expect((await res.json<{ code: string }>()).code).toBe('uri_too_long');
  });
});

describe('management API body limit (shared helper)', () => {
  it('counts bytes: 80 KB of two-byte characters is over the 64 KB limit', async () => {
    const res = await call('/api/v1/sites', { token: adminToken(), body: { domain: 'é'.repeat(40_000) } });
    expect(res.status).toBe(413);
  });
});
