import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { QueueMessageBody } from '../../contract/events';
import { drainToD1 } from '../../test/helpers/drain';
import { collected, createSite, outboxStatus, siteStub } from '../../test/helpers/fixtures';
import { outboxOf } from '../../test/helpers/site-do-state';
import type { SiteDO } from '../site-do';
import { pendingCount } from './outbox';
import { sendOutbox } from './outbox-send';

/**
 * Issue 13, outbox poison pill: sizes counted in UTF-16 units let events of emoji props pack into
 * a message over the Queue's 128,000-byte limit; the flush failed every 10 s forever and every
 * later event of the site waited behind it.
 */
const T0 = Date.now();
/** Within the collector's limits: 30 props of 2,000 bytes each = 500 emoji (1,000 UTF-16 units). */
const EMOJI_PROPS = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, '😀'.repeat(500)]));

const status = outboxStatus;
const deadRows = (name: string) =>
  runInDurableObject(siteStub(name), (_: SiteDO, state) => state.storage.sql.exec<{ bytes: number; kind: string }>('SELECT kind, bytes FROM outbox_dead').toArray());

describe('outbox: sizes in bytes, a split that never wedges', () => {
  it('delivers emoji events over 128,000 bytes (under 96,000 UTF-16 units), and later events too', async () => {
    const site = await createSite('poison-emoji.attack');
    const events = Array.from({ length: 3 }, (_, i) => collected(site.id, { ts: T0 + i, name: 'Emoji', props: EMOJI_PROPS }));
    const json = JSON.stringify(events);
    expect(new TextEncoder().encode(json).byteLength).toBeGreaterThan(128_000);
    expect(json.length).toBeLessThan(96_000);
    expect((await siteStub(site.id).ingest(site, events, [], T0)).accepted).toBe(3);

    expect(await drainToD1(site.id, site.id, 3, 8_000)).toBe(3);
    expect(await status(site.id)).toEqual({ pending: 0, deadLettered: 0 });

    await siteStub(site.id).ingest(site, [collected(site.id, { ts: T0 + 10, pathname: '/later' })], [], T0);
    expect(await drainToD1(site.id, site.id, 4, 8_000)).toBe(4);
    expect(await status(site.id)).toEqual({ pending: 0, deadLettered: 0 });
  });

  it('moves an event no message can hold to outbox_dead, counted, and goes on with the rest', async () => {
    const site = await createSite('poison-huge.attack');
    const stub = siteStub(site.id);
    // Impossible through the collector (64 KB bodies), so proven here: 160,000 bytes, 80,000 units.
    const huge = collected(site.id, { ts: T0, name: 'Huge', props: { blob: '😀'.repeat(40_000) } });
    await stub.ingest(site, [huge, collected(site.id, { ts: T0 + 1, pathname: '/fine' })], [], T0);

    expect(await drainToD1(site.id, site.id, 1, 8_000)).toBe(1);
    expect(await status(site.id)).toEqual({ pending: 0, deadLettered: 1 });
    const dead = await deadRows(site.id);
    expect(dead).toEqual([{ kind: 'event', bytes: expect.any(Number) }]);
    expect(dead[0]!.bytes).toBeGreaterThan(128_000);
    // nothing left to retry: no alarm is waiting for this row
    expect(await runInDurableObject(stub, (_: SiteDO, state) => state.storage.getAlarm())).toBeNull();

    await stub.ingest(site, [collected(site.id, { ts: T0 + 2, pathname: '/after' })], [], T0);
    expect(await drainToD1(site.id, site.id, 2, 8_000)).toBe(2);
    const paths = await env.DB.prepare('SELECT pathname FROM events WHERE site_id = ? ORDER BY ts').bind(site.id).all<{ pathname: string }>();
    expect(paths.results.map((r) => r.pathname)).toEqual(['/fine', '/after']);
  });

  it('splits batches and messages a stricter Queue refuses (saying why or not), losing nothing', async () => {
    const site = await createSite('poison-split.attack');
    const stub = siteStub(site.id);
    const props = { note: 'x'.repeat(1900) };
    await stub.ingest(site, Array.from({ length: 40 }, (_, i) => collected(site.id, { ts: T0 + i, name: 'Note', props, ua: `ua-${i % 4}` })), [], T0);
    // The real Queue behind a limit of 20,000 bytes per call: the packing (96 KB) is too big for it.
    const sent: QueueMessageBody[] = [];
    const strict = {
      async sendBatch(list: MessageSendRequest<QueueMessageBody>[]) {
        const bytes = new TextEncoder().encode(JSON.stringify(list.map((m) => m.body))).byteLength;
        // workerd's own words for an oversized message: the cause is not named
        if (bytes > 20_000) throw new Error('Unknown Internal Error (15000)');
        await env.EVENTS_QUEUE.sendBatch(list);
        sent.push(...list.map((m) => m.body));
      },
    };
    const dead = await runInDurableObject(stub, (instance: SiteDO) => sendOutbox(outboxOf(instance), strict, site.id, site.id));
    expect(dead).toBe(0);
    expect(await runInDurableObject(stub, (instance: SiteDO) => pendingCount(outboxOf(instance)))).toBe(0);
    expect(sent.flatMap((m) => m.events).map((e) => e.ts)).toEqual(Array.from({ length: 40 }, (_, i) => T0 + i));
    expect(sent.flatMap((m) => m.sessions)).toHaveLength(4);
  });

  it('dead-letters only the one row the Queue refuses for its size', async () => {
    const site = await createSite('poison-refused.attack');
    const stub = siteStub(site.id);
    await stub.ingest(site, Array.from({ length: 6 }, (_, i) => collected(site.id, { ts: T0 + i, name: i === 3 ? 'Refused' : 'Fine' })), [], T0);
    const picky = {
      async sendBatch(list: MessageSendRequest<QueueMessageBody>[]) {
        if (list.some((m) => m.body.events.some((e) => e.name === 'Refused'))) throw new Error('message length of 130001 bytes exceeds limit of 128000');
        await env.EVENTS_QUEUE.sendBatch(list);
      },
    };
    expect(await runInDurableObject(stub, (instance: SiteDO) => sendOutbox(outboxOf(instance), picky, site.id, site.id))).toBe(1);
    expect(await status(site.id)).toEqual({ pending: 0, deadLettered: 1 });
    expect(await deadRows(site.id)).toEqual([{ kind: 'event', bytes: expect.any(Number) }]);
    await expect.poll(async () => (await env.DB.prepare('SELECT count(*) AS n FROM events WHERE site_id = ?').bind(site.id).first<number>('n')) ?? 0, { timeout: 8_000 }).toBe(5);
    const names = await env.DB.prepare('SELECT name FROM events WHERE site_id = ?').bind(site.id).all<{ name: string }>();
    expect(names.results.every((r) => r.name === 'Fine')).toBe(true);
  });

  it('keeps everything when the Queue fails for another reason (no dead letter, bounded sends)', async () => {
    const site = await createSite('poison-down.attack');
    const stub = siteStub(site.id);
    await stub.ingest(site, [collected(site.id, { ts: T0 })], [], T0);
    let calls = 0;
    const down = {
      async sendBatch() {
        calls += 1;
        throw new Error('Queue sendBatch failed: Queue is overloaded. Please back off.');
      },
    };
    await expect(runInDurableObject(stub, (instance: SiteDO) => sendOutbox(outboxOf(instance), down, site.id, site.id))).rejects.toThrow(/overloaded/);
    expect(calls).toBe(2); // the message, then its first row alone: a refusal not for size
    expect(await status(site.id)).toEqual({ pending: 2, deadLettered: 0 });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await status(site.id)).toEqual({ pending: 0, deadLettered: 0 });
  });
});
