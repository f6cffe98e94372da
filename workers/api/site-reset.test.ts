/**
 * Reset stats (`POST /api/v1/sites/:site/reset`, owner, `confirm` = the domain). Traffic: two
 * pageviews from two addresses (/a, /b), so before the reset today holds 2 visitors and
 * 2 pageviews; after it 0 and 0, while the site, its goal and its share link stay. A Queue message
 * sent before the reset and delivered after it (a retry) writes nothing; a pageview sent after the
 * reset counts (1 visitor).
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../index';
import { adminToken, call, makeSite, makeUserSession, ok } from '../../test/helpers/api';
import { drainToD1 } from '../../test/helpers/drain';
import { collected } from '../../test/helpers/fixtures';
import { EVENTS_QUEUE } from '../consumer/handle-queue';
import type { QueueMessageBody } from '../../contract/events';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const pageview = (site: string, path: string, ip: string) =>
  call('/api/event', { body: { n: 'pageview', u: `https://${site}${path}`, d: site }, headers: { 'user-agent': UA, 'cf-connecting-ip': ip } });
const totals = async (site: string, token = adminToken()) =>
  (await ok<{ results: { metrics: number[] }[] }>(call('/api/v2/query', { token, body: { site_id: site, metrics: ['visitors', 'pageviews'], date_range: 'day' } }))).results[0]!.metrics;
const reset = (site: string, confirm: unknown, token = adminToken()) => call(`/api/v1/sites/${site}/reset`, { token, body: { confirm } });
const d1Events = async (site: string) => (await env.DB.prepare('SELECT pathname FROM events WHERE site_id = ? ORDER BY pathname').bind(site).all<{ pathname: string }>()).results.map((r) => r.pathname);

describe('reset stats', () => {
  it('asks the owner to type the domain', async () => {
    const site = await makeSite();
    const admin = await makeUserSession(site, 'admin');
    expect((await reset(site, site, admin.token)).status).toBe(403);
    const wrong = await reset(site, 'other.example');
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ code: 'confirmation_mismatch', error: `confirm must be the site's domain, ${site}` });
    expect(await (await call(`/api/v1/sites/${site}/reset`, { token: adminToken(), body: {} })).json()).toMatchObject({ code: 'invalid_request' });
  });

  it('empties the stats, keeps the site, and a late message does not bring an event back', async () => {
    const site = await makeSite();
    const goal = await ok<{ id: string }>(call(`/api/v1/sites/${site}/goals`, { token: adminToken(), body: { event_name: 'Signup' } }), 201);
    const share = await ok<{ token: string }>(call(`/api/v1/sites/${site}/shares`, { token: adminToken(), body: {} }), 201);
    expect((await pageview(site, '/a', '203.0.113.10')).status).toBe(202);
    expect((await pageview(site, '/b', '203.0.113.11')).status).toBe(202);
    expect(await drainToD1(site, site, 2)).toBe(2);
    expect(await totals(site)).toEqual([2, 2]);

    // a message the Queue holds from before the reset, to be delivered (retried) after it
    const sentAt = Date.now() - 1_000;
    const { ip: _i, ua: _u, uid: _d, ...rest } = collected(site, { ts: sentAt, pathname: '/late' });
    const late: QueueMessageBody = {
      site, batchId: `${site}-late`, sessions: [], drops: [{ day: new Date(sentAt).toISOString().slice(0, 10), reason: 'bot', count: 3 }],
      events: [{ ...rest, id: `late-${site}`, visitorId: 9, sessionId: 'late-session', identified: false }],
    };

    const body = await ok<{ reset: string; rows_deleted: Record<string, number>; site_objects_purged: number }>(reset(site, site.toUpperCase()));
    expect(body.reset).toBe(site);
    expect(body.rows_deleted.events).toBe(2);
    expect(body.site_objects_purged).toBe(1);
    expect(await totals(site)).toEqual([0, 0]);
    expect(await totals(site, share.token)).toEqual([0, 0]); // the share link still reads
    const goals = await ok<{ goals: { id: string }[] }>(call(`/api/v1/sites/${site}/goals`, { token: adminToken() }));
    expect(goals.goals.map((g) => g.id)).toContain(goal.id);
    expect((await call(`/api/v1/sites/${site}`, { token: adminToken() })).status).toBe(200);

    const batch = createMessageBatch<QueueMessageBody>(EVENTS_QUEUE, [{ id: `late-${site}`, timestamp: new Date(sentAt), attempts: 2, body: late }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toHaveLength(1);
    expect(await d1Events(site)).toEqual([]);
    expect(await env.DB.prepare('SELECT count(*) AS n FROM drop_counts WHERE site_id = ?').bind(site).first('n')).toBe(0);
    expect(await totals(site)).toEqual([0, 0]);

    // the new incarnation takes traffic at once
    expect((await pageview(site, '/new', '203.0.113.12')).status).toBe(202);
    expect(await drainToD1(site, site, 1)).toBe(1);
    expect(await d1Events(site)).toEqual(['/new']);
    expect(await totals(site)).toEqual([1, 1]);
  }, 60_000);
});
