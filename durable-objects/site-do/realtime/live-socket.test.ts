import { describe, expect, it } from 'vitest';
import { createSite, siteStub } from '../../../test/helpers/fixtures';
import { errorResponse, HttpError } from '../../../workers/lib/http-error';

/** The body the Worker's error handler sends for this HttpError: the one JSON error shape. */
const errorBody = (status: number, code: string, message: string) => errorResponse(new HttpError(status, code, message)).json();

describe('SiteDO live socket: refusals in the one JSON error shape', () => {
  it('refuses a request that is no WebSocket upgrade (426)', async () => {
    await createSite('sock-plain.test');
    const res = await siteStub('sock-plain.test').fetch('https://site-do/live');
    expect(res.status).toBe(426);
    expect(res.webSocket).toBeNull();
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('upgrade')).toBe('websocket');
    const body = await res.json<{ error: string }>();
    expect(body.error).toBe('expected a WebSocket upgrade');
    expect(body).toEqual(await errorBody(426, 'upgrade_required', 'expected a WebSocket upgrade'));
  });

  it('refuses a viewer on a shard other than 0 of a sharded site (421): only shard 0 holds sockets', async () => {
    await createSite('sock-shard.test', { shards: 2 });
    const res = await siteStub('sock-shard.test#1').fetch('https://site-do/live', { headers: { upgrade: 'websocket' } });
    expect(res.status).toBe(421);
    expect(res.webSocket).toBeNull();
    const body = await res.json<{ error: string }>();
    expect(body.error).toBe('connect to shard 0');
    expect(body).toEqual(await errorBody(421, 'wrong_shard', 'connect to shard 0'));
  });
});
