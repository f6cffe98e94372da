import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import worker from '../index';
import type { QueueMessageBody, StoredEvent, StoredSession } from '../../contract/events';
import { collected, createSite } from '../../test/helpers/fixtures';
import { decodeArchiveObject } from '../lib/archive-format';
import { EVENTS_DLQ, EVENTS_QUEUE } from './handle-queue';

const T0 = Date.UTC(2026, 10, 20, 12, 30, 0);

function storedEvent(id: string, overrides: Partial<StoredEvent> = {}): StoredEvent {
  const { ip: _ip, ua: _ua, uid: _uid, ...rest } = collected('consumer.test', { ts: T0 });
  return { ...rest, id, visitorId: 42, sessionId: 'session-1', identified: false, ...overrides };
}

function storedSession(version: number, overrides: Partial<StoredSession> = {}): StoredSession {
  const { ip: _ip, ua: _ua, uid: _uid, ts: _ts, name: _n, pathname: _p, props: _pr, revenue: _r, interactive: _i, scrollDepth: _s, engagedMs: _e, site, ...touch } = collected('consumer.test');
  return {
    ...touch, site, id: 'session-1', visitorId: 42, identified: false, version,
    start: T0, end: T0 + 90_000, pageviews: version, events: version, interactiveEvents: 0,
    entryPage: '/', exitPage: '/pricing', entryAt: T0, exitAt: T0 + 90_000, ...overrides,
  };
}

async function deliver(queue: string, bodies: unknown[], attempts = 1) {
  const batch = createMessageBatch<QueueMessageBody>(queue, bodies.map((body, i) => ({ id: `msg-${queue}-${i}-${JSON.stringify(body).length}`, timestamp: new Date(T0), attempts, body: body as QueueMessageBody })));
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

describe('events consumer', () => {
  // The consumer writes only for a site that existed when the message was sent (tombstones.ts).
  beforeAll(() => createSite('consumer.test', { createdAt: T0 - 86_400_000 }));
  const message: QueueMessageBody = {
    site: 'consumer.test',
    batchId: 'consumer.test-1-3',
    events: [
      storedEvent('consumer-e1', { pathname: '/' }),
      storedEvent('consumer-e2', { pathname: '/pricing', ts: T0 + 90_000, revenue: { amount: 9.5, currency: 'EUR' }, props: { plan: 'pro' } }),
      storedEvent('consumer-e3', { ts: T0 + 31 * 60_000 }), // 13:01 UTC: the next hour's archive object
    ],
    sessions: [storedSession(2)],
    drops: [{ day: '2026-11-20', reason: 'bot', count: 3 }],
  };

  it('writes events, sessions and drops to D1 and archives to R2, and a redelivery changes nothing', async () => {
    for (let delivery = 0; delivery < 2; delivery++) {
      const result = await deliver(EVENTS_QUEUE, [message], delivery + 1);
      expect(result.explicitAcks).toHaveLength(1);
      expect(result.retryMessages).toEqual([]);
    }
    const events = await env.DB.prepare("SELECT id, pathname, props, revenue_amount, revenue_currency, visitor_id, session_id FROM events WHERE site_id = 'consumer.test' ORDER BY id").all();
    expect(events.results).toEqual([
      { id: 'consumer-e1', pathname: '/', props: '{}', revenue_amount: null, revenue_currency: null, visitor_id: 42, session_id: 'session-1' },
      { id: 'consumer-e2', pathname: '/pricing', props: '{"plan":"pro"}', revenue_amount: 9.5, revenue_currency: 'EUR', visitor_id: 42, session_id: 'session-1' },
      { id: 'consumer-e3', pathname: '/', props: '{}', revenue_amount: null, revenue_currency: null, visitor_id: 42, session_id: 'session-1' },
    ]);
    const session = await env.DB.prepare("SELECT version, duration, pageviews, is_bounce, entry_page, exit_page, source FROM sessions WHERE id = 'session-1'").first();
    expect(session).toEqual({ version: 2, duration: 90, pageviews: 2, is_bounce: 0, entry_page: '/', exit_page: '/pricing', source: 'Direct / None' });
    const drops = await env.DB.prepare("SELECT sum(count) AS n FROM drop_counts WHERE site_id = 'consumer.test' AND reason = 'bot'").first<{ n: number }>();
    expect(drops!.n).toBe(3);

    // one Parquet object for the call's events of the day (both hours), overwritten by the redelivery
    const listed = await env.ARCHIVE.list({ prefix: 'raw/v1/site=consumer.test/dt=2026-11-20/' });
    expect(listed.objects.map((o) => o.key)).toEqual([expect.stringMatching(/^raw\/v1\/site=consumer\.test\/dt=2026-11-20\/[0-9a-f]{16}\.parquet$/)]);
    const key = listed.objects[0]!.key;
    const archived = await decodeArchiveObject(key, await (await env.ARCHIVE.get(key))!.arrayBuffer(), 'consumer.test');
    expect(archived).toEqual(message.events);
    expect(JSON.stringify(archived)).not.toMatch(/203\.0\.113|"ip"|"ua"/);
  });

  it('keeps the newest session version whatever order snapshots arrive in', async () => {
    const newer = { ...message, batchId: 'b-newer', events: [], drops: [], sessions: [storedSession(5, { id: 'session-2', pageviews: 5 })] };
    const older = { ...message, batchId: 'b-older', events: [], drops: [], sessions: [storedSession(3, { id: 'session-2', pageviews: 3 })] };
    await deliver(EVENTS_QUEUE, [newer]);
    await deliver(EVENTS_QUEUE, [older]);
    const row = await env.DB.prepare("SELECT version, pageviews FROM sessions WHERE id = 'session-2'").first();
    expect(row).toEqual({ version: 5, pageviews: 5 });
  });

  it('retries only the message that failed and acks the rest', async () => {
    const good = { ...message, batchId: 'b-good', events: [storedEvent('good-1')], sessions: [], drops: [] };
    const bad = { site: 'consumer.test', batchId: 'b-bad', events: [{ id: 'broken' }], sessions: [], drops: [] }; // NOT NULL columns missing
    const result = await deliver(EVENTS_QUEUE, [good, bad]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toHaveLength(1);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM events WHERE id IN ('good-1', 'broken')").first('n')).toBe(1);
  });
});

describe('dead letter consumer', () => {
  it('records each dead message once, whole', async () => {
    const body = { site: 'consumer.test', batchId: 'dead-1', events: [{ id: 'broken' }], sessions: [], drops: [] };
    await deliver(EVENTS_DLQ, [body], 6);
    await deliver(EVENTS_DLQ, [body], 7);
    const rows = await env.DB.prepare("SELECT queue, site_id, body FROM dead_letters WHERE site_id = 'consumer.test'").all();
    expect(rows.results).toEqual([{ queue: EVENTS_DLQ, site_id: 'consumer.test', body: JSON.stringify(body) }]);
  });
});
