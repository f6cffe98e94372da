/**
 * Fault: an erasure while the visitor's events are everywhere on their way — some already in D1,
 * R2 and the rollups, some in a Queue message sent but not yet delivered, some still in the
 * SiteDO's outbox — then the flush, the late delivery and two crons at once (rollups and the
 * archive job). Nothing of the erased visitor may remain; everyone else's events arrive once.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { QueueMessageBody } from '../../contract/events';
import type { SiteDO } from '../../durable-objects/site-do';
import { sendOutbox } from '../../durable-objects/site-do/outbox-send';
import { adminToken, call, makeKey, makeSite, ok, uniqueDomain } from '../helpers/api';
import { drainToD1 } from '../helpers/drain';
import { siteStub } from '../helpers/fixtures';
import { outboxOf } from '../helpers/site-do-state';
import { consume, cronTwiceAtOnce, expectDeliveredOnce, expectSessionsCurrent, injectQueue, pageview, send, visitorTraces } from '../helpers/faults';
import { hashUid } from '../../workers/lib/visitor-id';
import { ERASURE_GRACE_MS } from '../../workers/api/erase';
import { WATERMARK_LAG_MS } from '../../workers/rollups/refresh';
import { runQuery } from '../../workers/query/run-query';

describe('fault: erase while events are in flight', () => {
  it('leaves nothing of the visitor in D1, rollups, R2 or the SiteDO, and delivers the others once', async () => {
    const site = await makeSite(uniqueDomain('fault-erase'));
    const { token } = await makeKey([site], 'events:write');
    const ev = (path: string, uid?: string, ip = '198.51.100.1') => pageview(site, path, { ...(uid ? { uid } : {}), ip });

    // 1. delivered: in D1, the archive and the rollups
    await send(token, [ev('/alice-1', 'alice'), ev('/bob-1', 'bob'), ev('/anon-1')]);
    expect(await drainToD1(site, site, 3)).toBe(3);
    await expectDeliveredOnce(site, ['/alice-1', '/bob-1', '/anon-1']);
    await cronTwiceAtOnce(Date.now() + WATERMARK_LAG_MS + 1);
    const alice = await hashUid((await env.DB.prepare('SELECT uid_secret FROM sites WHERE id = ?').bind(site).first<string>('uid_secret'))!, 'alice');
    // the check finds the visitor where they are, before the erase
    const before = await visitorTraces(site, alice);
    expect(before).toMatchObject({ events: 1, sessions: 1, archive: 1 });
    expect(before.rollup_daily! * before[`do ${site}`]!).toBeGreaterThan(0);

    // 2. sent to the Queue, not yet delivered
    await send(token, [ev('/alice-2', 'alice'), ev('/bob-2', 'bob')]);
    const inQueue: QueueMessageBody[] = [];
    const sentAt = Date.now();
    const capture = { sendBatch: async (list: MessageSendRequest<QueueMessageBody>[]) => void inQueue.push(...list.map((m) => m.body)) };
    await runInDurableObject(siteStub(site), (instance: SiteDO) => sendOutbox(outboxOf(instance), capture, site, site));
    expect(inQueue.flatMap((m) => m.events)).toHaveLength(2);

    // 3. still in the outbox
    await send(token, [ev('/alice-3', 'alice'), ev('/bob-3', 'bob'), ev('/anon-3', undefined, '198.51.100.2')]);

    const erased = await ok<{ id: string; outbox_events_deleted: number; events_deleted: number }>(
      call(`/api/v1/sites/${site}/visitors/alice`, { method: 'DELETE', token: adminToken() }),
      202,
    );
    expect(erased).toMatchObject({ outbox_events_deleted: 1, events_deleted: 1 });

    // the flush goes on, and the message that was on its way arrives after the erase
    expect(await drainToD1(site, site, 4)).toBe(4);
    const late = await consume(inQueue, { sentAt });
    expect(late.explicitAcks).toHaveLength(inQueue.length);

    // the crons: rollups, and the archive job once the grace has passed, twice at once
    const after = Date.now() + ERASURE_GRACE_MS + WATERMARK_LAG_MS + 1_000;
    await cronTwiceAtOnce(after);
    const job = await ok<{ status: string; archive: { lines_removed: number } }>(call(`/api/v1/sites/${site}/erasures/${erased.id}`, { token: adminToken() }));
    expect(job).toMatchObject({ status: 'done', archive: { lines_removed: 1 } });

    const traces = await visitorTraces(site, alice);
    expect(Object.entries(traces).filter(([, n]) => n > 0)).toEqual([]);
    await expectDeliveredOnce(site, ['/bob-1', '/anon-1', '/bob-2', '/bob-3', '/anon-3']);

    const day = new Date().toISOString().slice(0, 10);
    const body = { site_id: site, metrics: ['visitors', 'pageviews', 'visits'], date_range: [day, day] };
    const rollup = await runQuery(env.DB, site, body, after, { mode: 'rollup' });
    expect(rollup.results).toEqual((await runQuery(env.DB, site, body, after, { mode: 'raw' })).results);
    expect(rollup.results[0]!.metrics[1]).toBe(5);
  });

  it("an erase that arrives while the alarm is sending the visitor's events to the Queue", async () => {
    const site = await makeSite(uniqueDomain('fault-erase-mid'));
    const { token } = await makeKey([site], 'events:write');
    await send(token, [pageview(site, '/alice-1', { uid: 'alice' }), pageview(site, '/bob-1', { uid: 'bob' }), pageview(site, '/anon-1')]);
    let erased: { id: string } | null = null;
    // the erase reaches the SiteDO while its alarm awaits the Queue with the visitor's events
    await injectQueue(site, () => ({
      async sendBatch(list: MessageSendRequest<QueueMessageBody>[]) {
        erased ??= await ok<{ id: string }>(call(`/api/v1/sites/${site}/visitors/alice`, { method: 'DELETE', token: adminToken() }), 202);
        await env.EVENTS_QUEUE.sendBatch(list);
      },
    }));
    expect(await runDurableObjectAlarm(siteStub(site))).toBe(true);
    expect(erased).not.toBeNull();
    await expectDeliveredOnce(site, ['/bob-1', '/anon-1']);
    await new Promise((r) => setTimeout(r, 300)); // room for anything else the flush carried

    await cronTwiceAtOnce(Date.now() + ERASURE_GRACE_MS + WATERMARK_LAG_MS + 1_000);
    const alice = await hashUid((await env.DB.prepare('SELECT uid_secret FROM sites WHERE id = ?').bind(site).first<string>('uid_secret'))!, 'alice');
    expect(Object.entries(await visitorTraces(site, alice)).filter(([, n]) => n > 0)).toEqual([]);
    await expectDeliveredOnce(site, ['/bob-1', '/anon-1']);
    await expectSessionsCurrent(site);
  });
});
