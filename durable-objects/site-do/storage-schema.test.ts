import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { QueueMessageBody, StoredEvent, StoredSession } from '../../contract/events';
import type { Env } from '../../workers/env';
import { collected, createSite, siteStub } from '../../test/helpers/fixtures';
import type { SiteDO } from '../site-do';

/** The SiteDO's storage as schema version 5 left it (before the log, issue 14). */
const VERSION_5 = `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE salts (day TEXT PRIMARY KEY, salt TEXT NOT NULL, created_at INTEGER NOT NULL);
  CREATE TABLE sessions (id TEXT PRIMARY KEY, visitor_id INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL, touched_at INTEGER NOT NULL, body TEXT NOT NULL);
  CREATE INDEX sessions_visitor ON sessions (visitor_id, end);
  CREATE INDEX sessions_touched ON sessions (touched_at);
  CREATE TABLE outbox_events (seq INTEGER PRIMARY KEY AUTOINCREMENT, bytes INTEGER NOT NULL, body TEXT NOT NULL);
  CREATE TABLE outbox_sessions (id TEXT PRIMARY KEY, version INTEGER NOT NULL);
  CREATE TABLE rt_minutes (minute INTEGER PRIMARY KEY, pageviews INTEGER NOT NULL, events INTEGER NOT NULL);
  CREATE TABLE rt_minute_visitors (minute INTEGER NOT NULL, visitor_id INTEGER NOT NULL, PRIMARY KEY (minute, visitor_id)) WITHOUT ROWID;
  CREATE TABLE rt_events (seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, visitor_id INTEGER NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, pathname TEXT NOT NULL, source TEXT NOT NULL, country TEXT, device TEXT NOT NULL);
  CREATE TABLE outbox_dead (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, bytes INTEGER NOT NULL, reason TEXT NOT NULL, at INTEGER NOT NULL, body TEXT NOT NULL);
  CREATE TABLE outbox_drops (day TEXT NOT NULL, reason TEXT NOT NULL, sealed TEXT NOT NULL DEFAULT '', count INTEGER NOT NULL, PRIMARY KEY (day, reason, sealed));
  CREATE TABLE schema_version (version INTEGER NOT NULL);
  INSERT INTO schema_version (version) VALUES (5);`;

describe('storage schema step 6: an existing object moves to the log', () => {
  it('still sends the events, session snapshots and drop counts the old tables held, and goes on numbering after them', async () => {
    const site = await createSite(`migrate-${Date.now().toString(36)}.test`);
    const stub = siteStub(site.id);
    const now = Date.now();
    const session = { id: 'old-session', site: site.id, visitorId: 42, identified: false, version: 3, start: now - 60_000, end: now - 10_000, pageviews: 2, events: 3, interactiveEvents: 2, entryPage: '/a', exitPage: '/b', entryAt: now - 60_000, exitAt: now - 10_000, hostname: site.id } as StoredSession;
    const event = (id: string): StoredEvent => ({ ...collected(site.id, { ts: now - 10_000 }), id, visitorId: 42, sessionId: session.id, identified: false }) as StoredEvent;
    await runInDurableObject(stub, async (_: SiteDO, state) => {
      await state.storage.deleteAll();
      const sql = state.storage.sql;
      sql.exec(VERSION_5);
      sql.exec("INSERT INTO meta (key, value) VALUES ('site', ?)", JSON.stringify(site));
      for (const id of ['sent-1', 'old-2', 'old-3']) sql.exec('INSERT INTO outbox_events (bytes, body) VALUES (1, ?)', JSON.stringify(event(id)));
      sql.exec('DELETE FROM outbox_events WHERE seq = 1'); // sent before the upgrade
      sql.exec('INSERT INTO sessions (id, visitor_id, start, end, touched_at, body) VALUES (?, 42, ?, ?, ?, ?)', session.id, session.start, session.end, now, JSON.stringify(session));
      sql.exec("INSERT INTO outbox_sessions (id, version) VALUES ('old-session', 3)");
      sql.exec("INSERT INTO outbox_drops (day, reason, sealed, count) VALUES ('2026-12-01', 'bot', 'seal-1', 2), ('2026-12-01', 'no_session', '', 1)");
    });
    await evictDurableObject(stub); // a restart: the constructor migrates what is there
    const sent: QueueMessageBody[] = [];
    await runInDurableObject(stub, (instance: SiteDO) => {
      const self = instance as unknown as { env: Env };
      self.env = { ...self.env, EVENTS_QUEUE: { sendBatch: async (list: { body: QueueMessageBody }[]) => void sent.push(...list.map((m) => m.body)) } as unknown as Env['EVENTS_QUEUE'] };
    });
    // a new event after the upgrade: numbered after the old table's rows
    const next = await stub.ingest(site, [{ ...collected(site.id, { ts: now }), ua: 'x' }], [], now);
    expect(next.accepted).toBe(1);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await runDurableObjectAlarm(stub)).toBe(true); // the second sealed set of drops

    const events = sent.flatMap((b) => b.events);
    expect(events.map((e) => e.id).slice(0, 2)).toEqual(['old-2', 'old-3']);
    expect(events).toHaveLength(3);
    expect(sent.find((b) => b.events.length)!.batchId).toBe(`${site.id}-2-5`); // after the old table's 3 (4 is the session's checkpoint row)
    expect(sent.flatMap((b) => b.sessions).find((s) => s.id === 'old-session')).toMatchObject({ version: 3, entryPage: '/a' });
    const drops = sent.flatMap((b) => b.drops.map((d) => ({ ...d, id: b.dropsId })));
    expect(drops).toEqual(expect.arrayContaining([{ day: '2026-12-01', reason: 'bot', count: 2, id: 'seal-1' }, expect.objectContaining({ reason: 'no_session', count: 1 })]));
    const left = await runInDurableObject(stub, (_: SiteDO, state) =>
      state.storage.sql.exec<{ n: number }>("SELECT (SELECT count(*) FROM outbox_drops) + (SELECT count(*) FROM sqlite_master WHERE name IN ('outbox_events', 'sessions', 'rt_events')) AS n").one().n,
    );
    expect(left).toBe(0);
  });
});
