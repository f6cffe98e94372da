/**
 * Issue 13, "GDPR erase is not complete": an erase right after ingest deleted nothing (the events
 * were still in the SiteDO outbox and arrived afterwards), a message already in the Queue wrote the
 * visitor back, and the archive was read whole inside the request. Through the real collector,
 * SiteDO, Queue, consumer, D1 and R2.
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../index';
import { drainToD1 } from '../../test/helpers/drain';
import { collected, siteStub } from '../../test/helpers/fixtures';
import { heldTraces } from '../../test/helpers/site-do-state';
import { adminToken, call, makeKey, makeSite, ok } from '../../test/helpers/api';
import { hashUid } from '../lib/visitor-id';
import { archivedEvents } from '../../test/helpers/archive';
import { EVENTS_QUEUE, writeMessage } from '../consumer/handle-queue';
import { runErasureJobs } from '../cron/erasures';
import { ERASURE_GRACE_MS } from './erase';
import type { QueueMessageBody, StoredEvent } from '../../contract/events';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
type Line = { id: string; visitorId: number; identified: boolean; pathname: string };

const archiveLines = (site: string): Promise<Line[]> => archivedEvents(site);

const secretOf = async (site: string) => (await env.DB.prepare('SELECT uid_secret FROM sites WHERE id = ?').bind(site).first<string>('uid_secret'))!;
const erase = (site: string, uid: string) => call(`/api/v1/sites/${site}/visitors/${uid}`, { method: 'DELETE', token: adminToken() });

function stored(site: string, id: string, visitorId: number, identified: boolean, ts: number): StoredEvent {
  const { ip: _i, ua: _u, uid: _d, ...rest } = collected(site, { ts, pathname: `/${id}` });
  return { ...rest, id, visitorId, sessionId: `s-${id}`, identified };
}

describe('GDPR erase under attack', () => {
  it('erases events still waiting in the SiteDO outbox: they never reach D1 or R2', async () => {
    const site = await makeSite();
    const key = await makeKey([site], 'events:write');
    const event = (path: string, uid: string) => ({ name: 'pageview', url: `https://${site}${path}`, domain: site, ip: '203.0.113.7', ua: UA, uid });
    expect((await call('/api/event', { token: key.token, body: [event('/a', 'alice'), event('/b', 'alice'), event('/c', 'bob')] })).status).toBe(202);

    // Right after ingest: nothing is in D1 yet, everything is in the outbox.
    expect((await erase(site, 'alice')).status).toBe(202);
    expect(await drainToD1(site, site, 1)).toBe(1);
    await new Promise((r) => setTimeout(r, 500)); // room for anything else the flush carried

    const alice = await hashUid(await secretOf(site), 'alice');
    const rows = await env.DB.prepare('SELECT pathname FROM events WHERE site_id = ?').bind(site).all<{ pathname: string }>();
    expect(rows.results.map((r) => r.pathname)).toEqual(['/c']);
    expect(await env.DB.prepare('SELECT count(*) AS n FROM sessions WHERE site_id = ? AND visitor_id = ?').bind(site, alice).first('n')).toBe(0);
    const left = await heldTraces(site, alice);
    expect(left).toBe(0);
    const deadline = Date.now() + 10_000;
    while ((await archiveLines(site)).length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect((await archiveLines(site)).map((l) => l.pathname)).toEqual(['/c']);
  });

  it('drops the visitor from a message that was already in the Queue when the erase ran', async () => {
    const site = await makeSite();
    const secret = await secretOf(site);
    const [alice, bob] = [await hashUid(secret, 'alice'), await hashUid(secret, 'bob')];
    const sentAt = Date.now(); // after the site was created, before the erase
    const body: QueueMessageBody = {
      site,
      batchId: `${site}-1-2`,
      events: [stored(site, 'late-alice', alice, true, sentAt), stored(site, 'late-bob', bob, true, sentAt)],
      sessions: [],
      drops: [],
    };
    expect((await erase(site, 'alice')).status).toBe(202);

    const batch = createMessageBatch<QueueMessageBody>(EVENTS_QUEUE, [{ id: `late-${site}`, timestamp: new Date(sentAt), attempts: 1, body }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toHaveLength(1);

    const rows = await env.DB.prepare('SELECT id FROM events WHERE site_id = ?').bind(site).all<{ id: string }>();
    expect(rows.results.map((r) => r.id)).toEqual(['late-bob']);
    expect((await archiveLines(site)).map((l) => l.id)).toEqual(['late-bob']);
  });

  it("cuts the visitor's events and sessions out of dead letters, keeping the rest of each", async () => {
    const site = await makeSite();
    const secret = await secretOf(site);
    const [alice, bob] = [await hashUid(secret, 'alice'), await hashUid(secret, 'bob')];
    const now = Date.now();
    const session = (visitorId: number) => ({ id: `s-${visitorId}`, visitorId, identified: true });
    const body = { site, batchId: 'dl', events: [stored(site, 'dl-alice', alice, true, now), stored(site, 'dl-bob', bob, true, now)], sessions: [session(alice), session(bob)], drops: [] };
    await env.DB.prepare("INSERT INTO dead_letters (id, queue, site_id, attempts, body, received_at) VALUES (?, 'pulse-events-dlq', ?, 5, ?, ?)")
      .bind(`dl-${site}`, site, JSON.stringify(body), now)
      .run();

    expect(await (await erase(site, 'alice')).json()).toMatchObject({ dead_letters_scrubbed: 1 });
    const kept = JSON.parse((await env.DB.prepare('SELECT body FROM dead_letters WHERE id = ?').bind(`dl-${site}`).first<string>('body'))!) as typeof body;
    expect(kept.events.map((e) => e.id)).toEqual(['dl-bob']);
    expect(kept.sessions.map((s) => s.visitorId)).toEqual([bob]);
    expect(kept.site).toBe(site);
  });

  it('rewrites the archive in a background job, a bounded step at a time, and reports its progress', async () => {
    const site = await makeSite();
    const alice = await hashUid(await secretOf(site), 'alice');
    const day = Date.UTC(2026, 10, 20, 10);
    for (let hour = 0; hour < 3; hour++) {
      const ts = day + hour * 3_600_000;
      await writeMessage(env, { site, batchId: `${site}-h${hour}`, events: [stored(site, `a${hour}`, alice, true, ts), stored(site, `n${hour}`, 7, false, ts)], sessions: [], drops: [] }, ts);
    }
    expect((await archiveLines(site)).filter((l) => l.visitorId === alice)).toHaveLength(3);

    const res = await erase(site, 'alice');
    expect(res.status).toBe(202);
    const started = await res.json<{ id: string; status: string; events_deleted: number }>();
    expect(started).toMatchObject({ status: 'pending', events_deleted: 3 });
    expect(res.headers.get('location')).toBe(`/api/v1/sites/${site}/erasures/${started.id}`);
    // The request read no archive object: the lines are still there until the job runs.
    expect((await archiveLines(site)).filter((l) => l.visitorId === alice)).toHaveLength(3);
    const progress = () => ok<{ status: string; archive: Record<string, number> }>(call(`/api/v1/sites/${site}/erasures/${started.id}`, { token: adminToken() }));

    const later = Date.now() + ERASURE_GRACE_MS + 1_000;
    // Several jobs of other files may be waiting too: step until this one has moved.
    while ((await progress()).status === 'pending') await runErasureJobs(env, later, 2);
    const midway = await progress();
    expect(midway.archive.objects_scanned).toBeGreaterThan(0);
    for (let i = 0; i < 50 && (await progress()).status !== 'done'; i++) await runErasureJobs(env, later, 2);
    expect(await progress()).toMatchObject({ status: 'done', archive: { objects_scanned: 3, objects_rewritten: 3, lines_removed: 3 } });
    expect((await archiveLines(site)).map((l) => l.id).sort()).toEqual(['n0', 'n1', 'n2']);
  });
});
