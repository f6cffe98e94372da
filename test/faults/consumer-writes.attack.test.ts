/**
 * Faults in the consumer's writes: D1 failing in the middle of a message's batch, and R2 failing
 * after D1 succeeded. The messages are the SiteDO's own (real collector, real outbox, taken from
 * the outbox by a capturing sender); the consumer is called as the Queue calls it, with one real
 * binding wrapped to fail. After each fault the message must be retried, and the redelivery must
 * leave each event in D1 once (unchanged if it was there) and in the archive once.
 */
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { QueueMessageBody } from '../../contract/events';
import type { Env } from '../../workers/env';
import type { SiteDO } from '../../durable-objects/site-do';
import { sendOutbox } from '../../durable-objects/site-do/outbox-send';
import { makeKey, makeSite, uniqueDomain } from '../helpers/api';
import { siteStub } from '../helpers/fixtures';
import { outboxOf } from '../helpers/site-do-state';
import { archiveLines, consume, d1Events, expectDeliveredOnce, pageview, send } from '../helpers/faults';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Sends events through the collector and takes the outbox's messages as the Queue would get them. */
async function messagesOf(label: string, events: { path: string; ts?: number }[]) {
  const site = await makeSite(uniqueDomain(label));
  const { token } = await makeKey([site], 'events:write');
  await send(token, events.map((e, i) => pageview(site, e.path, { ip: `198.51.100.${i % 3}`, ts: e.ts })));
  const messages: QueueMessageBody[] = [];
  const capture = { sendBatch: async (list: MessageSendRequest<QueueMessageBody>[]) => void messages.push(...list.map((m) => m.body)) };
  await runInDurableObject(siteStub(site), (instance: SiteDO) => sendOutbox(outboxOf(instance), capture, site, site));
  expect(messages.length).toBeGreaterThan(0);
  return { site, messages };
}

const sessionCount = (site: string) => env.DB.prepare('SELECT count(*) AS n FROM sessions WHERE site_id = ?').bind(site).first<number>('n');
const allRows = (site: string) => env.DB.prepare('SELECT * FROM events WHERE site_id = ? ORDER BY id').bind(site).all().then((r) => r.results);

/** The real D1 whose next `batch` fails at its statement `at` (after the earlier ones ran), once. */
function d1FailingOnceAt(at: number): { db: D1Database; failures: number } {
  const state = { failures: 0 };
  const db = {
    prepare: (sql: string) => env.DB.prepare(sql),
    batch: (statements: D1PreparedStatement[]) => {
      if (state.failures > 0) return env.DB.batch(statements);
      state.failures += 1;
      // a statement that raises inside the transaction: D1 rolls the whole batch back
      const failing = env.DB.prepare("SELECT json('D1_ERROR: network connection lost') AS x");
      return env.DB.batch([...statements.slice(0, at), failing, ...statements.slice(at)]);
    },
  } as unknown as D1Database;
  return {
    db,
    get failures() {
      return state.failures;
    },
  };
}

describe('fault: D1 fails mid-batch in the consumer', () => {
  it('retries the whole message with nothing half-written; the redelivery writes each event once', async () => {
    const { site, messages } = await messagesOf('fault-d1-mid', [{ path: '/d1' }, { path: '/d2' }, { path: '/d3' }]);
    // fails after the guard and the events' insert ran, before the sessions' upsert
    const faulty = d1FailingOnceAt(2);
    const first = await consume(messages, { env: { ...env, DB: faulty.db } as Env });
    expect(faulty.failures).toBe(1);
    expect(first.retryMessages).toHaveLength(1);
    expect(first.explicitAcks).toHaveLength(0);
    expect(await d1Events(site)).toEqual([]);
    expect(await sessionCount(site)).toBe(0);
    expect(await archiveLines(site)).toEqual([]);

    const again = await consume(messages, { attempts: 2 });
    expect(again.explicitAcks).toHaveLength(1);
    await expectDeliveredOnce(site, ['/d1', '/d2', '/d3']);
    expect(await sessionCount(site)).toBe(3);
  });

  it('a message with one malformed event: retried whole (its good events not written), the rest of the batch acked', async () => {
    const { site, messages } = await messagesOf('fault-d1-malformed', [{ path: '/m1' }, { path: '/m2' }]);
    const good = messages[0]!;
    const bad: QueueMessageBody = { ...good, batchId: `${good.batchId}-bad`, events: [...good.events.slice(0, 1), { id: 'broken' } as (typeof good.events)[number]], sessions: [] };
    const other = await messagesOf('fault-d1-other', [{ path: '/o1' }]);
    const result = await consume([bad, ...other.messages]);
    expect(result.retryMessages).toHaveLength(1);
    expect(result.explicitAcks).toHaveLength(other.messages.length);
    expect(await d1Events(site)).toEqual([]); // not /m1 alone: the message is one transaction
    expect(await archiveLines(site)).toEqual([]);
    await expectDeliveredOnce(other.site, ['/o1']);
    // the outbox's real message still delivers both events once
    await consume([good]);
    await expectDeliveredOnce(site, ['/m1', '/m2']);
  });
});

describe('fault: R2 put fails after D1 succeeded', () => {
  it('retries the message; the redelivery leaves D1 unchanged and completes the archive', async () => {
    const now = Date.now();
    // two UTC days (more than 24 h apart): two archive objects, of which the fault lets one be written
    const { site, messages } = await messagesOf('fault-r2', [{ path: '/h1', ts: now - DAY - 60_000 }, { path: '/h2', ts: now - DAY }, { path: '/h3', ts: now - 30_000 }]);
    let puts = 0;
    const flaky = {
      put: async (...args: Parameters<R2Bucket['put']>) => {
        if (puts++ === 0) return env.ARCHIVE.put(...args);
        throw new Error('R2 put failed: We encountered an internal error. Please try again.');
      },
    } as unknown as R2Bucket;
    const first = await consume(messages, { env: { ...env, ARCHIVE: flaky } as Env });
    expect(first.retryMessages).toHaveLength(1);
    expect(puts).toBe(2);
    const written = await allRows(site);
    expect(written.map((r) => r.pathname).sort()).toEqual(['/h1', '/h2', '/h3']);
    expect((await archiveLines(site)).length).toBeLessThan(3);

    const again = await consume(messages, { attempts: 2 });
    expect(again.explicitAcks).toHaveLength(1);
    await expectDeliveredOnce(site, ['/h1', '/h2', '/h3']);
    expect(await allRows(site)).toEqual(written); // same rows, same inserted_at: nothing rewritten
    // and once more, as an at-least-once Queue may
    await consume(messages, { attempts: 3 });
    await expectDeliveredOnce(site, ['/h1', '/h2', '/h3']);
  });
});

describe('fault: one outbox range sent twice with other bounds (a resend after a kill or a split)', () => {
  it("archives each event once whichever message arrives first, also when the first one's archive failed", async () => {
    const { site, messages } = await messagesOf('fault-overlap', [{ path: '/v1' }, { path: '/v2' }, { path: '/v3' }]);
    const whole = messages[0]!;
    const part: QueueMessageBody = { ...whole, batchId: `${whole.batchId}-part`, events: whole.events.slice(0, 2) };
    await consume([whole]);
    await consume([part]);
    await expectDeliveredOnce(site, ['/v1', '/v2', '/v3']);

    const other = await messagesOf('fault-overlap-r2', [{ path: '/w1' }, { path: '/w2' }, { path: '/w3' }]);
    const all = other.messages[0]!;
    const first: QueueMessageBody = { ...all, batchId: `${all.batchId}-first`, events: all.events.slice(0, 2) };
    const failing = { put: async () => Promise.reject(new Error('R2 put failed')) } as unknown as R2Bucket;
    expect((await consume([first], { env: { ...env, ARCHIVE: failing } as Env })).retryMessages).toHaveLength(1);
    await consume([all]); // the resend, with more events: archives only the one the first did not write
    expect((await archiveLines(other.site)).map((l) => l.pathname)).toEqual(['/w3']);
    await consume([first], { attempts: 2 }); // the retry of the first archives its own
    await expectDeliveredOnce(other.site, ['/w1', '/w2', '/w3']);
  });
});
