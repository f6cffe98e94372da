/**
 * The fault suite's tools (test/faults/*.attack.test.ts): traffic through the real collector,
 * faults injected by wrapping one real binding (never a fake of it), and the invariant every fault
 * test ends with — each accepted event in D1 exactly once and in the R2 archive exactly once, and
 * nothing of an erased visitor anywhere.
 */
import { createExecutionContext, createMessageBatch, createScheduledController, env, getQueueResult, runInDurableObject, waitOnExecutionContext } from 'cloudflare:test';
import { expect } from 'vitest';
import type { Env } from '../../workers/env';
import type { QueueMessageBody, StoredEvent } from '../../contract/events';
import type { SiteDO } from '../../durable-objects/site-do';
import { EVENTS_QUEUE, handleQueue } from '../../workers/consumer/handle-queue';
import { archivedEvents } from './archive';
import { ROLLUP_CRON, runScheduled } from '../../workers/cron/run-scheduled';
import { call, makeKey, makeSite, uniqueDomain } from './api';
import { siteStub } from './fixtures';
import { heldSessions, heldTraces } from './site-do-state';

export const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** A pageview as a server-side caller sends it; the path is the event's label in every assertion. */
export function pageview(site: string, path: string, extra: { uid?: string; ip?: string; ts?: number } = {}) {
  const { ts, ...rest } = extra;
  return { name: 'pageview', url: `https://${site}${path}`, domain: site, ip: '203.0.113.7', ua: UA, ...(ts === undefined ? {} : { ts }), ...rest };
}

/** POSTs events to the real collector; every one must be accepted (202, nothing dropped). */
export async function send(token: string, events: ReturnType<typeof pageview>[]): Promise<void> {
  const res = await call('/api/event', { token, body: events });
  expect(res.status).toBe(202);
  expect(res.headers.get('x-pulse-dropped')).toBeNull();
}

/** What the SiteDO sends with (durable-objects/site-do/outbox-send.ts's `Sender`). */
/** `/<prefix><from>` … : the labels of `n` events. */
export const paths = (prefix: string, n: number, from = 1): string[] => Array.from({ length: n }, (_, i) => `/${prefix}${from + i}`);

/** A new site (unique name: test files share D1) with an events:write key, and a sender for it. */
export async function siteWithKey(label: string) {
  const site = await makeSite(uniqueDomain(label));
  const { token } = await makeKey([site], 'events:write');
  return { site, token, send: (list: string[]) => send(token, list.map((p, i) => pageview(site, p, { ip: `198.51.100.${i % 4}` }))) };
}

/** The `*∕5` cron entry twice at once, as when a slow run overlaps the next. */
export async function cronTwiceAtOnce(scheduledTime: number): Promise<void> {
  const once = async () => {
    const ctx = createExecutionContext();
    await runScheduled(createScheduledController({ cron: ROLLUP_CRON, scheduledTime }), env, ctx);
    await waitOnExecutionContext(ctx);
  };
  await Promise.all([once(), once()]);
}

type QueueSend = { sendBatch(messages: MessageSendRequest<QueueMessageBody>[]): Promise<unknown> };

/**
 * Makes the live SiteDO instance send through `queue` (the real Queue behind a fault) until it is
 * restarted or `restoreQueue` runs: the alarm, its error handling and the outbox run as they are.
 */
export async function injectQueue(name: string, queue: (state: DurableObjectState) => QueueSend): Promise<void> {
  await runInDurableObject(siteStub(name), (instance: SiteDO, state) => {
    const self = instance as unknown as { env: Env };
    self.env = { ...self.env, EVENTS_QUEUE: queue(state) as unknown as Queue<QueueMessageBody> };
  });
}

export async function restoreQueue(name: string): Promise<void> {
  await runInDurableObject(siteStub(name), (instance: SiteDO) => {
    (instance as unknown as { env: Env }).env = env;
  });
}

/** Runs the real consumer on messages as the Queue would deliver them (sent at `sentAt`). */
export async function consume(bodies: QueueMessageBody[], options: { env?: Env; attempts?: number; sentAt?: number } = {}) {
  const batch = createMessageBatch<QueueMessageBody>(
    EVENTS_QUEUE,
    bodies.map((body, i) => ({ id: `fault-${body.batchId}-${i}-${crypto.randomUUID()}`, timestamp: new Date(options.sentAt ?? Date.now()), attempts: options.attempts ?? 1, body })),
  );
  const ctx = createExecutionContext();
  await handleQueue(batch, options.env ?? env, ctx);
  return getQueueResult(batch, ctx);
}

export interface Row {
  id: string;
  pathname: string;
  visitorId: number;
  identified: boolean;
}

export async function d1Events(site: string): Promise<Row[]> {
  const { results } = await env.DB.prepare('SELECT id, pathname, visitor_id, identified FROM events WHERE site_id = ? ORDER BY ts, pathname')
    .bind(site)
    .all<{ id: string; pathname: string; visitor_id: number; identified: number }>();
  return results.map((r) => ({ id: r.id, pathname: r.pathname, visitorId: r.visitor_id, identified: r.identified === 1 }));
}

/** Every event of the site's archive, as stored (a row per event, an object per consumer call and day). */
export const archiveLines = archivedEvents;

const counts = (labels: string[]) => Object.fromEntries([...new Set(labels)].sort().map((l) => [l, labels.filter((x) => x === l).length]));

/**
 * The suite's invariant: the events labelled `paths` (each accepted once) are each in D1 exactly
 * once, no other event of the site is, and the archive holds exactly the D1 rows, each once.
 * Waits for the Queue and the consumer up to `timeoutMs`.
 */
export async function expectDeliveredOnce(site: string, paths: string[], timeoutMs = 15_000): Promise<Row[]> {
  const want = counts(paths);
  const deadline = Date.now() + timeoutMs;
  let rows: Row[] = [];
  let lines: StoredEvent[] = [];
  for (;;) {
    rows = await d1Events(site);
    lines = await archiveLines(site);
    const done = JSON.stringify(counts(rows.map((r) => r.pathname))) === JSON.stringify(want) && lines.length >= rows.length;
    if (done || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(counts(rows.map((r) => r.pathname)), 'events in D1, by path').toEqual(want);
  expect(counts(lines.map((l) => l.id)), 'archive lines, by event id').toEqual(counts(rows.map((r) => r.id)));
  return rows;
}

/**
 * Each session the SiteDO holds is in D1 at the version the SiteDO has (snapshots are upserted by
 * version: a lost or stale one would be a wrong visit in every report), and D1 has no other.
 */
export async function expectSessionsCurrent(site: string, timeoutMs = 10_000): Promise<void> {
  const held = (await heldSessions(site)).map(({ id, version }) => ({ id, version }));
  expect(held.length).toBeGreaterThan(0);
  const stored = () =>
    env.DB.prepare('SELECT id, version FROM sessions WHERE site_id = ? ORDER BY id')
      .bind(site)
      .all<{ id: string; version: number }>()
      .then((r) => r.results);
  await expect.poll(stored, { timeout: timeoutMs }).toEqual(held);
}

/** Where an identified visitor could still be: each count must be 0 after an erasure. */
export async function visitorTraces(site: string, visitorId: number, shardNames: string[] = [site]): Promise<Record<string, number>> {
  const one = (sql: string) => env.DB.prepare(sql).bind(site, visitorId).first<number>('n').then((n) => n ?? 0);
  const listed = (table: string) =>
    one(`SELECT count(*) AS n FROM ${table} WHERE site_id = ?1 AND (EXISTS (SELECT 1 FROM json_each(e_ident_ids) WHERE value = ?2) OR EXISTS (SELECT 1 FROM json_each(s_ident_ids) WHERE value = ?2))`);
  const traces: Record<string, number> = {
    events: await one('SELECT count(*) AS n FROM events WHERE site_id = ?1 AND visitor_id = ?2 AND identified = 1'),
    sessions: await one('SELECT count(*) AS n FROM sessions WHERE site_id = ?1 AND visitor_id = ?2 AND identified = 1'),
    rollup_daily: await listed('rollup_daily'),
    rollup_pairs: await listed('rollup_pairs'),
    rollup_ledger: await one('SELECT count(*) AS n FROM rollup_ledger WHERE site_id = ?1 AND visitor_id = ?2'),
    dead_letters: await one(
      "SELECT count(*) AS n FROM dead_letters, json_each(dead_letters.body, '$.events') e WHERE dead_letters.site_id = ?1 AND json_extract(e.value, '$.visitorId') = ?2",
    ),
    archive: (await archiveLines(site)).filter((l) => l.identified && l.visitorId === visitorId).length,
  };
  for (const name of shardNames) {
    traces[`do ${name}`] = await heldTraces(name, visitorId);
  }
  return traces;
}
