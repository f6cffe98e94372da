/**
 * Issue 13, "site delete is not complete": a deleted site kept receiving events for the site
 * cache's 30 s, its outbox flushed orphan rows and archive objects into D1 and R2 after the
 * delete, and a domain added again inherited what was still on its way. Through the real
 * collector, SiteDO, Queue, consumer, D1 and R2.
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../index';
import { drainToD1 } from '../../test/helpers/drain';
import { collected, siteStub } from '../../test/helpers/fixtures';
import { outboxOf, realtimeOf } from '../../test/helpers/site-do-state';
import type { SiteDO } from '../../durable-objects/site-do';
import { adminToken, call, makeSite, ok, uniqueDomain } from '../../test/helpers/api';
import { getSiteConfig, type SiteConfig } from '../lib/site-config';
import { EVENTS_QUEUE } from '../consumer/handle-queue';
import type { QueueMessageBody } from '../../contract/events';
import { stepArchiveCleanup } from '../lib/archive-cleanup';
import { runHousekeeping } from '../cron/run-scheduled';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

const sendPageview = (site: string, path = '/') =>
  call('/api/event', {
    body: { n: 'pageview', u: `https://${site}${path}`, d: site },
    headers: { 'user-agent': UA, 'cf-connecting-ip': '203.0.113.44' },
  });
const deleteSite = (site: string) => ok(call(`/api/v1/sites/${site}`, { method: 'DELETE', token: adminToken() }));
const d1Events = async (site: string) => (await env.DB.prepare('SELECT pathname FROM events WHERE site_id = ? ORDER BY pathname').bind(site).all<{ pathname: string }>()).results.map((r) => r.pathname);
const archived = async (site: string) => (await env.ARCHIVE.list({ prefix: `raw/v1/site=${site}/` })).objects.length;

describe('site delete under attack', () => {
  it("purges the SiteDO: events waiting in the outbox at delete time never reach D1 or R2", async () => {
    const site = await makeSite();
    expect((await sendPageview(site, '/waiting')).status).toBe(202);
    const removed = await deleteSite(site);
    expect(removed).toMatchObject({ site_objects_purged: 1 });

    await runDurableObjectAlarm(siteStub(site));
    await new Promise((r) => setTimeout(r, 1_500)); // longer than the local Queue's batch timeout
    expect(await d1Events(site)).toEqual([]);
    expect(await archived(site)).toBe(0);
    const held = await runInDurableObject(siteStub(site), (instance: SiteDO, state) => {
      let logged = 0;
      for (const _row of outboxOf(instance).log.rows()) logged += 1;
      const salts = state.storage.sql.exec<{ n: number }>('SELECT count(*) AS n FROM salts').one().n;
      return logged + outboxOf(instance).sessions.size + realtimeOf(instance).size + salts;
    });
    expect(held).toBe(0);
  });

  it("refuses events from a collector whose site cache still holds the deleted site", async () => {
    const site = await makeSite();
    const cached = (await getSiteConfig(env.DB, site)) as SiteConfig; // what another isolate keeps for 30 s
    await deleteSite(site);

    const result = await siteStub(site).ingest(cached, [collected(site, { ts: Date.now() })], [], Date.now());
    expect(result.accepted).toBe(0);
    expect(result.dropped).toEqual({ unknown_site: 1 });
    await runDurableObjectAlarm(siteStub(site));
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await d1Events(site)).toEqual([]);
  });

  it('a domain added again does not inherit a message of its deleted incarnation, and takes new events', async () => {
    const site = uniqueDomain('recreated');
    await makeSite(site);
    const sentAt = Date.now();
    const { ip: _i, ua: _u, uid: _d, ...rest } = collected(site, { ts: sentAt, pathname: '/old' });
    const body: QueueMessageBody = {
      site,
      batchId: `${site}-1-1`,
      events: [{ ...rest, id: `old-${site}`, visitorId: 5, sessionId: 'old-session', identified: false }],
      sessions: [],
      drops: [{ day: '2026-11-20', reason: 'bot', count: 2 }],
    };
    await deleteSite(site);
    await makeSite(site);

    // Sent before the delete, delivered after the domain came back (a Queue retry, say).
    const batch = createMessageBatch<QueueMessageBody>(EVENTS_QUEUE, [{ id: `old-${site}`, timestamp: new Date(sentAt), attempts: 2, body }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toHaveLength(1);
    expect(await d1Events(site)).toEqual([]);
    expect(await archived(site)).toBe(0);
    expect(await env.DB.prepare('SELECT count(*) AS n FROM drop_counts WHERE site_id = ?').bind(site).first('n')).toBe(0);

    // The new incarnation is not refused by the purged SiteDO.
    expect((await sendPageview(site, '/new')).status).toBe(202);
    expect(await drainToD1(site, site, 1)).toBe(1);
    expect(await d1Events(site)).toEqual(['/new']);
  });

  it("finishes a large archive after the request, keeping a re-created domain's new objects", async () => {
    const site = await makeSite();
    const put = (hour: number) => env.ARCHIVE.put(`raw/v1/site=${site}/dt=2026-11-20/hr=${String(hour).padStart(2, '0')}/b.ndjson.gz`, 'x');
    for (let hour = 0; hour < 3; hour++) await put(hour);
    // A small archive goes within the request.
    expect(await deleteSite(site)).toMatchObject({ archive_objects_deleted: 3, archive_done: true });
    // What a request leaves when its bounded listings ran out: old objects and the cleanup row.
    for (let hour = 0; hour < 3; hour++) await put(hour);
    const deletedAt = Date.now();
    await env.DB.prepare('INSERT INTO deleted_sites (id, deleted_at) VALUES (?, ?)').bind(site, deletedAt).run();
    await new Promise((r) => setTimeout(r, 20));
    await makeSite(site);
    await put(9); // the new site's own object, uploaded after the delete

    // One listing of one key per step: the job keeps its place between steps.
    const row = () => env.DB.prepare('SELECT id, deleted_at, cursor FROM deleted_sites WHERE id = ?').bind(site).first<{ id: string; deleted_at: number; cursor: string | null }>();
    expect(await stepArchiveCleanup(env.DB, env.ARCHIVE, (await row())!, 1, 1)).toEqual({ deleted: 1, done: false });
    expect((await row())!.cursor).toBe(`raw/v1/site=${site}/dt=2026-11-20/hr=00/b.ndjson.gz`);
    await runHousekeeping(env, Date.now());
    expect(await row()).toBeNull();
    expect((await env.ARCHIVE.list({ prefix: `raw/v1/site=${site}/` })).objects.map((o) => o.key)).toEqual([`raw/v1/site=${site}/dt=2026-11-20/hr=09/b.ndjson.gz`]);
  });
});
