import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { adminToken, call, makeKey, makeSite, makeUserSession, ok } from '../../../test/helpers/api';
import { siteDb } from '../../lib/site-db';

type Webhook = { id: string; url: string; events: string[]; secret?: string; created_at: string };
const path = (site: string, rest = '') => `/api/v1/sites/${site}/webhooks${rest}`;
const receiver = (box: string) => `${env.TEST_WEBHOOK_RECEIVER}/box/${box}`;

describe('webhooks: resources', () => {
  it('shows the secret once, lists, updates and deletes', async () => {
    const site = await makeSite();
    const token = adminToken();
    const created = await ok<Webhook>(call(path(site), { token, body: { url: 'https://hooks.example.com/pulse', events: ['goal:Signup', 'event:Purchase', 'goal:Signup'] } }), 201);
    expect(created).toMatchObject({ id: expect.stringMatching(/^whk_/), url: 'https://hooks.example.com/pulse', events: ['goal:Signup', 'event:Purchase'], secret: expect.stringMatching(/^whsec_[0-9a-f]{64}$/) });
    const { webhooks } = await ok<{ webhooks: Webhook[] }>(call(path(site), { token }));
    expect(webhooks).toEqual([{ id: created.id, url: created.url, events: created.events, created_at: created.created_at, updated_at: expect.any(String) }]);
    expect(JSON.stringify(webhooks)).not.toContain(created.secret);

    const updated = await ok<Webhook>(call(path(site, `/${created.id}`), { method: 'PATCH', token, body: { events: ['*'] } }));
    expect(updated).toMatchObject({ url: 'https://hooks.example.com/pulse', events: ['*'] });
    expect(updated).not.toHaveProperty('secret');
    const db = await siteDb(env, site);
    expect(await db.prepare('SELECT secret FROM webhooks WHERE id = ?').bind(created.id).first('secret')).toBe(created.secret);

    expect((await call(path(site, `/${created.id}`), { method: 'DELETE', token })).status).toBe(204);
    expect((await call(path(site, `/${created.id}`), { method: 'DELETE', token })).status).toBe(404);
    expect((await call(path(site, `/${created.id}/deliveries`), { token })).status).toBe(404);
  });

  it('refuses unsafe targets and bad selectors with a 400 naming them', async () => {
    const site = await makeSite();
    const token = adminToken();
    const unsafe = ['http://hooks.example.com/x', 'https://10.0.0.8/x', 'https://169.254.169.254/latest', 'https://[fd12::1]/x', 'https://metadata.google.internal/', 'http://192.168.1.20/x', 'https://0xa000001/x'];
    for (const url of unsafe) {
      const res = await call(path(site), { token, body: { url, events: ['*'] } });
      expect(res.status, url).toBe(400);
      expect(await res.json(), url).toMatchObject({ code: 'unsafe_target', error: expect.stringMatching(/^url: /) });
    }
    for (const events of [[], ['pageview'], ['goal:'], Array.from({ length: 21 }, (_, i) => `event:e${i}`)]) {
      const res = await call(path(site), { token, body: { url: 'https://hooks.example.com/x', events } });
      expect(res.status, JSON.stringify(events)).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/^events/);
    }
    const hook = await ok<Webhook>(call(path(site), { token, body: { url: 'https://hooks.example.com/x', events: ['alert'] } }), 201);
    expect((await call(path(site, `/${hook.id}`), { method: 'PATCH', token, body: { url: 'https://127.0.0.1.nip.io.internal/x' } })).status).toBe(400);
    expect((await call(path(site, `/${hook.id}`), { method: 'PATCH', token, body: {} })).status).toBe(400);
  });

  it('is for admins only, of this site only; at most 10 per site', async () => {
    const site = await makeSite();
    const viewer = await makeUserSession(site, 'viewer');
    const reader = await makeKey([site], 'stats:read');
    const admin = await makeKey([site], 'sites:admin');
    const other = await makeKey([await makeSite()], 'sites:admin');
    expect((await call(path(site), { token: viewer.token })).status).toBe(403);
    expect((await call(path(site), { token: reader.token })).status).toBe(403);
    expect((await call(path(site), { token: other.token })).status).toBe(403);
    for (let i = 0; i < 10; i++) await ok(call(path(site), { token: admin.token, body: { url: `https://hooks.example.com/${i}`, events: ['*'] } }), 201);
    const res = await call(path(site), { token: admin.token, body: { url: 'https://hooks.example.com/11', events: ['*'] } });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: 'limit_reached' });
  });

  it('allows loopback receivers only because this configuration says so (npm run dev)', async () => {
    expect(env.PULSE_WEBHOOK_ALLOW_LOOPBACK).toBe('1');
    const site = await makeSite();
    await ok(call(path(site), { token: adminToken(), body: { url: receiver('loopback-ok'), events: ['*'] } }), 201);
  });
});
