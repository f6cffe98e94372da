import { env, runDurableObjectAlarm, runInDurableObject, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createSite, siteStub } from '../../test/helpers/fixtures';
import { issueLiveToken } from './live-token';
import { errorResponse, HttpError } from '../lib/http-error';
import { BURST, COALESCE_MS } from '../../durable-objects/site-do/realtime/live-feed';
import { MAX_VIEWERS } from '../../durable-objects/site-do/realtime/live-socket';
import type { Viewer } from '../../durable-objects/site-do/realtime/live-feed';
import { admin, connect, liveToken, ORIGIN, postEvent, pushedPaths, waitFor } from '../../test/helpers/realtime';

const upgrade = (site: string, query = '', headers: Record<string, string> = {}) =>
  SELF.fetch(`${ORIGIN}/api/v1/sites/${site}/live${query}`, { headers: { upgrade: 'websocket', ...headers } });

/** The body the Worker's error handler sends for this HttpError: the one JSON error shape. */
const errorBody = (status: number, code: string, message: string) => errorResponse(new HttpError(status, code, message)).json();

async function makeKey(site: string): Promise<string> {
  const res = await SELF.fetch(`${ORIGIN}/api/v1/keys`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify({ sites: [site], scope: 'stats:read' }) });
  return (await res.json<{ token: string }>()).token;
}

describe('GET /api/v1/sites/:site/live: who may upgrade', () => {
  it('refuses before the upgrade: no credential, expired token, another site\'s token, API key in the URL, no Upgrade', async () => {
    await createSite('live-auth.test');
    await createSite('live-other.test');
    expect((await upgrade('live-auth.test')).status).toBe(401);

    const expired = await issueLiveToken(env, 'live-auth.test', { kind: 'admin', id: 'admin' }, { issuedAt: Math.floor(Date.now() / 1000) - 120 });
    const res = await upgrade('live-auth.test', `?token=${expired.token}`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'token expired', code: 'invalid_token' });

    const other = await liveToken('live-other.test');
    expect((await upgrade('live-auth.test', `?token=${other}`)).status).toBe(403);
    expect((await upgrade('live-auth.test', '', { 'sec-websocket-protocol': `pulse.live, ${other}` })).status).toBe(403);

    const key = await makeKey('live-auth.test');
    expect((await upgrade('live-auth.test', `?token=${key}`)).status).toBe(401);
    expect((await upgrade('live-auth.test', `?auth=${key}`)).status).toBe(401);
    // A live token opens the stream only: it is no credential for anything else.
    const token = await liveToken('live-auth.test');
    expect((await SELF.fetch(`${ORIGIN}/api/v1/sites/live-auth.test/realtime`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);

    expect((await SELF.fetch(`${ORIGIN}/api/v1/sites/live-auth.test/live?token=${token}`)).status).toBe(426);
    expect((await upgrade('nosuch-live.test', '', admin)).status).toBe(404);
  });

  it('answers refusals in the one JSON error shape: no Upgrade (426), too many viewers (503, from the SiteDO)', async () => {
    await createSite('live-full.test');
    const token = await liveToken('live-full.test');
    const plain = await SELF.fetch(`${ORIGIN}/api/v1/sites/live-full.test/live?token=${token}`);
    expect(plain.status).toBe(426);
    expect(plain.headers.get('content-type')).toMatch(/^application\/json/);
    expect(plain.headers.get('upgrade')).toBe('websocket');
    const plainBody = await plain.json<{ error: string }>();
    expect(plainBody.error).toBe('this route speaks WebSocket: send Upgrade: websocket');
    expect(plainBody).toEqual(await errorBody(426, 'upgrade_required', 'this route speaks WebSocket: send Upgrade: websocket'));

    // The holder is full: MAX_VIEWERS hibernatable sockets accepted as the SiteDO accepts viewers.
    const holder = siteStub('live-full.test');
    await runInDurableObject(holder, (_, state) => {
      for (let i = 0; i < MAX_VIEWERS; i++) state.acceptWebSocket(new WebSocketPair()[1], ['test']);
    });
    const full = await upgrade('live-full.test', `?token=${token}`);
    expect(full.status).toBe(503);
    expect(full.webSocket).toBeNull();
    expect(full.headers.get('retry-after')).toBe('30');
    expect(full.headers.get('content-type')).toMatch(/^application\/json/);
    const fullBody = await full.json<{ error: string }>();
    expect(fullBody.error).toBe('too many viewers');
    expect(fullBody).toEqual(await errorBody(503, 'too_many_viewers', 'too many viewers'));
    // The refused viewer holds no socket.
    expect(await runInDurableObject(holder, (_, state) => state.getWebSockets().length)).toBe(MAX_VIEWERS);
    await runInDurableObject(holder, (_, state) => state.getWebSockets().forEach((ws) => ws.close(1000, 'done')));
  });

  it('accepts a live token in the query or the subprotocol, a key in the header, and records who is connected', async () => {
    await createSite('live-ok.test');
    const byQuery = await connect('live-ok.test', `?token=${await liveToken('live-ok.test')}`);
    const byProtocol = await connect('live-ok.test', '', { 'sec-websocket-protocol': `pulse.live, ${await liveToken('live-ok.test')}` });
    expect(byProtocol.res.headers.get('sec-websocket-protocol')).toBe('pulse.live');
    const byKey = await connect('live-ok.test', '', { authorization: `Bearer ${await makeKey('live-ok.test')}` });
    for (const viewer of [byQuery, byProtocol, byKey]) await waitFor(() => viewer.messages[0]?.type === 'snapshot');
    // Who is connected, from the sockets' attachments (what survives hibernation).
    const viewers = await runInDurableObject(siteStub('live-ok.test'), (_, state) => state.getWebSockets().map((ws) => ws.deserializeAttachment() as Viewer));
    expect(viewers.map((v) => v.kind).sort()).toEqual(['admin', 'admin', 'key']);
    for (const viewer of [byQuery, byProtocol, byKey]) viewer.ws.close(1000, 'done');
  });
});

describe('live stream', () => {
  it('sends the snapshot on connect, then an event posted to /api/event within a second', async () => {
    await createSite('live-push.test');
    await postEvent('live-push.test', '192.0.2.1', '/before');
    const viewer = await connect('live-push.test', `?token=${await liveToken('live-push.test')}`);
    const snapshot = await waitFor(() => viewer.messages.find((m) => m.type === 'snapshot'));
    expect(snapshot).toMatchObject({ site: 'live-push.test', visitors: 1, pageviews: 1 });

    const postedAt = Date.now();
    expect((await postEvent('live-push.test', '192.0.2.2', '/pricing', 'pageview', 'FR')).status).toBe(202);
    const update = await waitFor(() => viewer.messages.find((m) => m.type === 'events'), 1000);
    expect(Date.now() - postedAt).toBeLessThan(1000);
    expect(update).toMatchObject({ type: 'events', visitors: 2, minute: { pageviews: 2, visitors: 2 } });
    if (update.type !== 'events') throw new Error('unreachable');
    expect(update.events).toEqual([{ id: expect.any(String), name: 'pageview', path: '/pricing', country: 'FR', device: 'Desktop', source: 'Direct / None', time: expect.any(String) }]);

    viewer.ws.send(JSON.stringify({ type: 'snapshot' }));
    const fresh = await waitFor(() => viewer.messages.filter((m) => m.type === 'snapshot')[1]);
    expect(fresh).toMatchObject({ visitors: 2, pageviews: 2 });
    viewer.ws.close(1000, 'done');
  });

  it('re-sends the whole snapshot from the alarm while viewers are connected (windows slide without events)', async () => {
    await createSite('live-resync.test');
    const viewer = await connect('live-resync.test', `?token=${await liveToken('live-resync.test')}`);
    await waitFor(() => viewer.messages.length > 0);
    await postEvent('live-resync.test', '192.0.2.9', '/resync');
    await waitFor(() => pushedPaths(viewer).length === 1);
    // Connecting set an alarm (the outbox may have set an earlier one); run alarms until it resyncs.
    for (let i = 0; i < 3 && viewer.messages.filter((m) => m.type === 'snapshot').length < 2; i++) {
      expect(await runDurableObjectAlarm(siteStub('live-resync.test'))).toBe(true);
      await new Promise((r) => setTimeout(r, 50));
    }
    const snapshots = viewer.messages.filter((m) => m.type === 'snapshot');
    expect(snapshots).toHaveLength(2);
    expect(snapshots[1]).toMatchObject({ visitors: 1, pageviews: 1, pages: [{ name: '/resync', visitors: 1, pageviews: 1 }] });
    viewer.ws.close(1000, 'done');
  });

  it('coalesces a burst into a few messages per second and loses no event', async () => {
    await createSite('live-burst.test');
    const viewer = await connect('live-burst.test', `?token=${await liveToken('live-burst.test')}`);
    await waitFor(() => viewer.messages.length > 0);
    const started = Date.now();
    const burst = 40;
    for (let wave = 0; wave < 4; wave++) {
      await Promise.all(Array.from({ length: burst / 4 }, (_, i) => postEvent('live-burst.test', `192.0.2.${wave * 10 + i + 1}`, `/p${wave * 10 + i}`)));
    }
    await waitFor(() => pushedPaths(viewer).length === burst, 3000);
    const elapsed = Date.now() - started + COALESCE_MS;
    const updates = viewer.messages.filter((m) => m.type === 'events');
    // at most one message per COALESCE_MS (plus the saved-up burst), far fewer than one per event
    expect(updates.length).toBeLessThanOrEqual(Math.ceil(elapsed / COALESCE_MS) + BURST);
    expect(updates.length).toBeLessThan(burst / 2);
    expect(Math.max(...updates.map((u) => (u.type === 'events' ? u.events.length : 0)))).toBeGreaterThan(1);
    expect(new Set(pushedPaths(viewer)).size).toBe(burst);
    expect(updates.at(-1)).toMatchObject({ visitors: burst });
    viewer.ws.close(1000, 'done');
  });

  it('on a sharded site, events from every shard reach the socket held by shard 0', async () => {
    await createSite('live-shards.test', { shards: 4 });
    const viewer = await connect('live-shards.test', `?token=${await liveToken('live-shards.test')}`);
    await waitFor(() => viewer.messages.length > 0);
    const ips = Array.from({ length: 24 }, (_, i) => `198.51.100.${i + 1}`);
    for (const ip of ips) expect((await postEvent('live-shards.test', ip, `/from-${ip}`)).status).toBe(202);
    await waitFor(() => pushedPaths(viewer).length === ips.length, 3000);
    expect(new Set(pushedPaths(viewer))).toEqual(new Set(ips.map((ip) => `/from-${ip}`)));
    // Visitors landed on several shards, and the stream's counter sums them.
    const perShard = await Promise.all([0, 1, 2, 3].map((n) => siteStub(`live-shards.test#${n}`).snapshot({ goals: [] })));
    expect(perShard.filter((s) => s.visitors > 0).length).toBeGreaterThan(1);
    await waitFor(() => { const last = viewer.messages.at(-1); return last?.type === 'events' && last.visitors === ips.length; });
    viewer.ws.close(1000, 'done');
  });
});
