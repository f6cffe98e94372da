/**
 * The archive's R2 operations and exactly-once rule when a consumer call carries many messages:
 * one put per site and day whatever the number of messages or events, and no event twice when
 * a message comes back in other company (retried alone, resent, redelivered after a failed put).
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import worker from '../index';
import type { Env } from '../env';
import type { QueueMessageBody, StoredEvent } from '../../contract/events';
import { collected, createSite } from '../../test/helpers/fixtures';
import { archivedEvents } from '../../test/helpers/archive';
import { EVENTS_QUEUE } from './handle-queue';

const SITE = 'archive-r2.test';
const DAY1 = Date.UTC(2026, 10, 20, 9);
const DAY2 = Date.UTC(2026, 10, 21, 9);

function event(id: string, ts: number): StoredEvent {
  const { ip: _ip, ua: _ua, uid: _uid, ...rest } = collected(SITE, { ts });
  return { ...rest, id, visitorId: 7, sessionId: 's-7', identified: false };
}

const message = (batchId: string, events: StoredEvent[]): QueueMessageBody => ({ site: SITE, batchId, events, sessions: [], drops: [] });

/** The real bucket, counting its Class A (put, list) and B (get, head) operations; `failPut` refuses some puts. */
function countingBucket(failPut: (key: string) => boolean = () => false) {
  const ops = { put: 0, list: 0, get: 0 };
  const bucket = new Proxy(env.ARCHIVE, {
    get(target, prop) {
      if (prop === 'put')
        return (key: string, ...rest: unknown[]) => {
          ops.put++;
          if (failPut(key)) return Promise.reject(new Error('injected put failure'));
          return (target.put as (...a: unknown[]) => unknown)(key, ...rest);
        };
      if (prop === 'list' || prop === 'get')
        return (...args: unknown[]) => {
          ops[prop]++;
          return (target[prop] as (...a: unknown[]) => unknown).apply(target, args);
        };
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { bucket: bucket as R2Bucket, ops };
}

async function deliver(bodies: QueueMessageBody[], bucket: R2Bucket = env.ARCHIVE) {
  const batch = createMessageBatch<QueueMessageBody>(EVENTS_QUEUE, bodies.map((body, i) => ({ id: `m-${body.batchId}-${i}`, timestamp: new Date(DAY2), attempts: 1, body })));
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...env, ARCHIVE: bucket } as Env, ctx);
  return getQueueResult(batch, ctx);
}

const idCounts = (events: StoredEvent[]) => events.reduce<Record<string, number>>((acc, e) => ({ ...acc, [e.id]: (acc[e.id] ?? 0) + 1 }), {});

describe('archive: R2 operations per consumer call', () => {
  beforeAll(() => createSite(SITE, { createdAt: DAY1 - 86_400_000 }));

  it('writes one object per site and day for a call of many messages, and lists nothing', async () => {
    const { bucket, ops } = countingBucket();
    const bodies = Array.from({ length: 10 }, (_, m) =>
      message(`ops-${m}`, Array.from({ length: 20 }, (_, i) => event(`ops-${m}-${i}`, (i % 2 ? DAY1 : DAY2) + m * 1000 + i))),
    );
    const result = await deliver(bodies, bucket);
    expect(result.explicitAcks).toHaveLength(10);
    // 200 events, 10 messages, 2 days: 2 puts (today: 20 puts, one per message and hour), no listing
    expect(ops).toEqual({ put: 2, list: 0, get: 0 });
    const archived = (await archivedEvents(SITE)).filter((e) => e.id.startsWith('ops-'));
    expect(archived).toHaveLength(200);
  });

  it('archives each event once when a message comes back in other company', async () => {
    const a = message('regroup-a', [event('ra-1', DAY1), event('ra-2', DAY1 + 1)]);
    const b = message('regroup-b', [event('rb-1', DAY1 + 2)]);
    const c = message('regroup-c', [event('rc-1', DAY1 + 3)]);
    expect((await deliver([a, b])).explicitAcks).toHaveLength(2);
    // the call died after its put: the Queue delivers a again alone, then b with c (and a twice)
    const { bucket, ops } = countingBucket();
    expect((await deliver([a], bucket)).explicitAcks).toHaveLength(1);
    expect(ops).toEqual({ put: 0, list: 1, get: 0 }); // only the rare path lists the day, once
    expect((await deliver([b, c, a, a])).explicitAcks).toHaveLength(4);
    const archived = (await archivedEvents(SITE)).filter((e) => e.id.startsWith('r'));
    expect(idCounts(archived)).toEqual({ 'ra-1': 1, 'ra-2': 1, 'rb-1': 1, 'rc-1': 1 });
  });

  it("retries the messages of a failed day's put, and their retry writes only what is missing", async () => {
    const m = message('partial-m', [event('pm-1', DAY1), event('pm-2', DAY2)]);
    const n = message('partial-n', [event('pn-1', DAY1 + 5), event('pn-2', DAY2 + 5)]);
    const day2 = countingBucket((key) => key.includes('dt=2026-11-21/'));
    const first = await deliver([m, n], day2.bucket);
    expect(first.retryMessages).toHaveLength(2); // both have events of the failed day
    expect(first.explicitAcks).toHaveLength(0);
    // retried one by one: day 1 is in the first call's object already, day 2 is written
    expect((await deliver([n])).explicitAcks).toHaveLength(1);
    expect((await deliver([m])).explicitAcks).toHaveLength(1);
    const archived = (await archivedEvents(SITE)).filter((e) => e.id.startsWith('p'));
    expect(idCounts(archived)).toEqual({ 'pm-1': 1, 'pm-2': 1, 'pn-1': 1, 'pn-2': 1 });
  });
});
