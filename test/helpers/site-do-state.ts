/**
 * What a SiteDO holds, read from the live instance for tests: its outbox (the log in its SQLite,
 * sessions and drop counts in memory) and its realtime window. The fields are private to the
 * class; tests reach them here, in one place, as faults.ts reaches the instance's `env`.
 */
import { runInDurableObject } from 'cloudflare:test';
import type { StoredEvent, StoredSession } from '../../contract/events';
import type { SiteDO } from '../../durable-objects/site-do';
import type { Outbox } from '../../durable-objects/site-do/outbox';
import type { RealtimeWindow } from '../../durable-objects/site-do/realtime/window';
import { siteStub } from './fixtures';

interface Internals {
  outbox: Outbox;
  realtime: RealtimeWindow;
}

export const outboxOf = (instance: SiteDO): Outbox => (instance as unknown as Internals).outbox;
export const realtimeOf = (instance: SiteDO): RealtimeWindow => (instance as unknown as Internals).realtime;

/** Events not yet accepted by the Queue, in order, and the sessions due for it. */
export function waiting(name: string): Promise<{ events: StoredEvent[]; sessions: StoredSession[] }> {
  return runInDurableObject(siteStub(name), (instance: SiteDO) => {
    const outbox = outboxOf(instance);
    return {
      events: [...outbox.log.unsentEvents(1_000_000)].map((r) => JSON.parse(r.body) as StoredEvent),
      sessions: outbox.sessions.due().map((h) => h.session),
    };
  });
}

/** Every session the object holds in memory, by id. */
export function heldSessions(name: string): Promise<StoredSession[]> {
  return runInDurableObject(siteStub(name), (instance: SiteDO) => [...outboxOf(instance).sessions.all()].map((h) => h.session).sort((a, b) => (a.id < b.id ? -1 : 1)));
}

/** Where the visitor still is in the object: logged events, sessions, realtime entries. */
export function heldTraces(name: string, visitorId: number): Promise<number> {
  return runInDurableObject(siteStub(name), (instance: SiteDO) => {
    const outbox = outboxOf(instance);
    let logged = 0;
    for (const row of outbox.log.rows()) if ((JSON.parse(row.body) as { visitorId: number }).visitorId === visitorId) logged += 1;
    const sessions = [...outbox.sessions.all()].filter((h) => h.session.visitorId === visitorId).length;
    const realtime = realtimeOf(instance).recent(-Infinity, Infinity, (e) => e.visitorId === visitorId).length;
    return logged + sessions + realtime;
  });
}
