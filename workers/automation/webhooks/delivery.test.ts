/**
 * Deliveries end to end in workerd: events go through the real collector, SiteDO, events Queue and
 * consumer; the consumer's fan-out sends to the real webhooks Queue, whose consumer POSTs to a real
 * HTTP receiver (test/helpers/webhook-receiver.mjs). Retries run through the Queue too (the test
 * configuration sets the back-off base to 0 s, so every attempt comes within about a second).
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../index';
import { adminToken, call, makeKey, makeSite, ok } from '../../../test/helpers/api';
import { drainToD1 } from '../../../test/helpers/drain';
import { siteDb } from '../../lib/site-db';
import type { Env } from '../../env';
import { retryDelaySeconds } from './deliver';
import { WEBHOOKS_QUEUE, type WebhookMessage } from './message';
import { fanOutEvents } from './fan-out';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
type Received = { method: string; headers: Record<string, string>; body: string; status: number; at: number };
type Delivery = { delivery_id: string; type: string; attempt: number; outcome: string; http_status: number | null; error: string | null };

let boxes = 0;
const newBox = (label: string) => `${label}-${Date.now().toString(36)}-${boxes++}`;
const boxUrl = (box: string, query = '') => `${env.TEST_WEBHOOK_RECEIVER}/box/${box}${query}`;

async function received(box: string, atLeast: number, timeoutMs = 15_000): Promise<Received[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await (await fetch(boxUrl(box))).json<Received[]>();
    if (got.length >= atLeast || Date.now() > deadline) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function deliveries(site: string, hook: string, until: (d: Delivery[]) => boolean, timeoutMs = 20_000): Promise<Delivery[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { deliveries: got } = await ok<{ deliveries: Delivery[] }>(call(`/api/v1/sites/${site}/webhooks/${hook}/deliveries`, { token: adminToken() }));
    if (until(got) || Date.now() > deadline) return got;
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** The receiver's check from README "Webhooks", with WebCrypto as a receiver on Workers would write it. */
async function verifies(header: string, rawBody: string, secret: string): Promise<boolean> {
  const { t, v1 } = Object.fromEntries(header.split(',').map((kv) => kv.split('=') as [string, string]));
  if (Math.abs(Date.now() / 1000 - Number(t)) > 300) return false;
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const mac = Uint8Array.from((v1 ?? '').match(/../g) ?? [], (h) => parseInt(h, 16));
  return crypto.subtle.verify('HMAC', key, mac, new TextEncoder().encode(`${t}.${rawBody}`));
}

async function hookFor(site: string, url: string, events: string[]) {
  return ok<{ id: string; secret: string }>(call(`/api/v1/sites/${site}/webhooks`, { token: adminToken(), body: { url, events } }), 201);
}

describe('webhook deliveries', () => {
  it('POSTs matching events, signed, once they are in D1; other events are not sent', async () => {
    const site = await makeSite();
    await ok(call(`/api/v1/sites/${site}/goals`, { token: adminToken(), body: { event_name: 'Signup' } }), 201);
    await ok(call(`/api/v1/sites/${site}/goals`, { token: adminToken(), body: { page_path: '/thanks/**', display_name: 'Thanked' } }), 201);
    const goalsBox = newBox('goals');
    const purchaseBox = newBox('purchase');
    const goals = await hookFor(site, boxUrl(goalsBox), ['goal:Signup', 'goal:Thanked']);
    const purchases = await hookFor(site, boxUrl(purchaseBox), ['event:Purchase']);

    const key = await makeKey([site], 'events:write');
    const event = (name: string, path: string, extra: Record<string, unknown> = {}) => ({ name, url: `https://${site}${path}`, domain: site, ip: '203.0.113.9', ua: UA, ...extra });
    const res = await call('/api/event', {
      token: key.token,
      body: [
        event('pageview', '/pricing'),
        event('Signup', '/signup', { props: { plan: 'pro' } }),
        event('Purchase', '/checkout', { revenue: { amount: 19.9, currency: 'EUR' } }),
        event('pageview', '/thanks/you'),
        event('Other', '/x'),
      ],
    });
    expect(res.status).toBe(202);
    expect(await drainToD1(site, site, 5)).toBe(5);

    const gotGoals = await received(goalsBox, 2);
    const gotPurchases = await received(purchaseBox, 1);
    const bodies = gotGoals.map((r) => JSON.parse(r.body)).sort((a, b) => (a.event.goals[0] < b.event.goals[0] ? -1 : 1));
    expect(bodies).toEqual([
      { type: 'event', id: expect.stringMatching(new RegExp(`^${goals.id}\\.`)), site, event: { name: 'Signup', url: `https://${site}/signup`, props: { plan: 'pro' }, ts: expect.any(String), goals: ['Signup'], visitor: { country: null, device: 'Desktop', source: 'Direct / None' } } },
      { type: 'event', id: expect.any(String), site, event: { name: 'pageview', url: `https://${site}/thanks/you`, props: {}, ts: expect.any(String), goals: ['Thanked'], visitor: expect.any(Object) } },
    ]);
    expect(gotPurchases.map((r) => JSON.parse(r.body).event)).toEqual([expect.objectContaining({ name: 'Purchase', revenue: { amount: 19.9, currency: 'EUR' }, goals: [] })]);
    for (const r of gotGoals) {
      expect(r.method).toBe('POST');
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['pulse-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(r.headers['pulse-delivery']).toBe(JSON.parse(r.body).id);
      expect(await verifies(r.headers['pulse-signature']!, r.body, goals.secret)).toBe(true);
      expect(await verifies(r.headers['pulse-signature']!, r.body, purchases.secret)).toBe(false);
    }
    // nothing else arrives (the plain pageview and "Other" match no selector)
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await received(goalsBox, 0)).toHaveLength(2);
    expect(await received(purchaseBox, 0)).toHaveLength(1);
    const log = await deliveries(site, goals.id, (d) => d.length >= 2);
    expect(log.map((d) => [d.type, d.attempt, d.outcome, d.http_status])).toEqual([['event', 1, 'ok', 200], ['event', 1, 'ok', 200]]);
  });

  it('retries a 500 with back-off through the Queue until the receiver takes it', async () => {
    const site = await makeSite();
    const box = newBox('flaky');
    const hook = await hookFor(site, boxUrl(box, '?fail_first=2'), ['*']);
    const test = await ok<{ delivery_id: string }>(call(`/api/v1/sites/${site}/webhooks/${hook.id}/test`, { token: adminToken(), method: 'POST' }), 202);
    const got = await received(box, 3);
    expect(got.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(new Set(got.map((r) => r.headers['pulse-delivery']))).toEqual(new Set([test.delivery_id]));
    expect(JSON.parse(got[2]!.body)).toMatchObject({ type: 'test', site, webhook: hook.id });
    for (const r of got) expect(await verifies(r.headers['pulse-signature']!, r.body, hook.secret)).toBe(true);
    const log = await deliveries(site, hook.id, (d) => d.some((x) => x.outcome === 'ok'));
    expect(log.map((d) => [d.attempt, d.outcome, d.http_status, d.error])).toEqual([[3, 'ok', 200, null], [2, 'error', 500, 'HTTP 500'], [1, 'error', 500, 'HTTP 500']]);
  });

  it('gives up after the last retry: the DLQ closes the delivery with a dead row and keeps the payload', async () => {
    const site = await makeSite();
    const box = newBox('down');
    const hook = await hookFor(site, boxUrl(box, '?status=503'), ['*']);
    const test = await ok<{ delivery_id: string }>(call(`/api/v1/sites/${site}/webhooks/${hook.id}/test`, { token: adminToken(), method: 'POST' }), 202);
    // wrangler.toml: max_retries = 6, so 7 attempts, then the DLQ
    const log = await deliveries(site, hook.id, (d) => d.some((x) => x.outcome === 'dead'), 45_000);
    expect(log.map((d) => d.outcome)).toEqual(['dead', ...Array(7).fill('error')]);
    expect(log[0]).toMatchObject({ attempt: 7, error: 'gave up after the last retry', delivery_id: test.delivery_id });
    expect((await received(box, 7)).map((r) => r.status)).toEqual(Array(7).fill(503));
    const dead = await env.DB.prepare("SELECT queue, site_id, body FROM dead_letters WHERE queue = 'pulse-webhooks-dlq' AND site_id = ?").bind(site).first<{ body: string }>();
    expect(JSON.parse(dead!.body)).toMatchObject({ webhookId: hook.id, deliveryId: test.delivery_id, type: 'test' });
  }, 60_000);

  it('refuses a target that became unsafe at delivery time, without sending', async () => {
    const site = await makeSite();
    const box = newBox('never');
    const hook = await hookFor(site, boxUrl(box), ['*']);
    // as if saved by an older release or while loopback was allowed
    await (await siteDb(env, site)).prepare('UPDATE webhooks SET url = ? WHERE id = ?').bind('https://169.254.169.254/latest/meta-data', hook.id).run();
    const message: WebhookMessage = { site, webhookId: hook.id, deliveryId: `${hook.id}.probe`, type: 'test', body: '{"type":"test"}' };
    const batch = createMessageBatch<WebhookMessage>(WEBHOOKS_QUEUE, [{ id: 'm-unsafe', timestamp: new Date(), attempts: 2, body: message }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.retryMessages).toEqual([expect.objectContaining({ msgId: 'm-unsafe' })]);
    expect(result.explicitAcks).toEqual([]);
    const log = await deliveries(site, hook.id, (d) => d.length > 0);
    expect(log).toEqual([expect.objectContaining({ attempt: 2, outcome: 'error', http_status: null, error: 'target refused: points to a link-local address' })]);
    expect(await received(box, 0)).toEqual([]);
  });

  it('acks a delivery whose webhook was deleted meanwhile', async () => {
    const site = await makeSite();
    const message: WebhookMessage = { site, webhookId: 'whk_gone', deliveryId: 'whk_gone.x', type: 'test', body: '{}' };
    const batch = createMessageBatch<WebhookMessage>(WEBHOOKS_QUEUE, [{ id: 'm-gone', timestamp: new Date(), attempts: 1, body: message }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(['m-gone']);
  });

  it('backs off exponentially: 30 s, 2 min, 8 min, … capped at the Queue limit of 12 h', () => {
    const prod = { PULSE_WEBHOOK_RETRY_BASE_SECONDS: undefined } as unknown as Env;
    expect([1, 2, 3, 4, 5, 6, 7].map((a) => retryDelaySeconds(prod, a))).toEqual([30, 120, 480, 1920, 7680, 30720, 43200]);
    expect(retryDelaySeconds({ PULSE_WEBHOOK_RETRY_BASE_SECONDS: '5' } as unknown as Env, 2)).toBe(20);
    expect(retryDelaySeconds({ PULSE_WEBHOOK_RETRY_BASE_SECONDS: 'soon' } as unknown as Env, 1)).toBe(30);
  });

  it('a site without webhooks gets no Queue message and no row', async () => {
    const site = await makeSite();
    const { ip: _i, ua: _u, uid: _d, ...base } = { site, ts: Date.now(), name: 'Signup', hostname: site, pathname: '/', props: {}, revenue: null, interactive: true, scrollDepth: null, engagedMs: null, uid: null, ip: '', ua: '', referrer: null, source: 'Direct / None', channel: 'Direct', utmSource: null, utmMedium: null, utmCampaign: null, utmContent: null, utmTerm: null, device: 'Desktop', browser: 'Chrome', browserVersion: '131', os: 'Linux', osVersion: '', country: null, region: null, regionName: null, city: null };
    const events = [{ ...base, id: 'e1', visitorId: 1, sessionId: 's1', identified: false }];
    expect(await fanOutEvents(env, [{ site, events }])).toBe(0);
    const withHook = await makeSite();
    await hookFor(withHook, boxUrl(newBox('count')), ['event:Signup']);
    expect(await fanOutEvents(env, [{ site: withHook, events: events.map((e) => ({ ...e, site: withHook })) }])).toBe(1);
  });
});
