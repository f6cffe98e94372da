import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { StoredEvent, StoredSession } from '../contract/events';
import { collected, createSite, MINUTE, siteStub } from '../test/helpers/fixtures';
import type { SiteDO } from './site-do';
import { pendingCount } from './site-do/outbox';
import { outboxOf, realtimeOf, waiting } from '../test/helpers/site-do-state';

const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);

/** Events and session snapshots waiting for the Queue. */
const pending = (stub: DurableObjectStub<SiteDO>) => runInDurableObject(stub, (instance: SiteDO) => pendingCount(outboxOf(instance)));

/** The events waiting in the log, and the sessions due for the Queue. */
const outbox = (name: string) => waiting(name);

describe('sessions in event time', () => {
  it('keeps events up to 30 minutes apart in one session and opens a new one after', async () => {
    const site = await createSite('gap.test');
    const result = await siteStub(site.id).ingest(site, [
      collected(site.id, { ts: T0, pathname: '/a' }),
      collected(site.id, { ts: T0 + 30 * MINUTE, pathname: '/b' }), // exactly 30 min: same session
      collected(site.id, { ts: T0 + 60 * MINUTE + 1, pathname: '/c' }), // 30 min + 1 ms later: new session
    ], [], T0);
    expect(result).toEqual({ accepted: 3, dropped: {}, outcomes: [null, null, null] });
    const { events, sessions } = await outbox(site.id);
    expect(new Set(events.map((e) => e.visitorId)).size).toBe(1);
    expect(events[0]!.sessionId).toBe(events[1]!.sessionId);
    expect(events[2]!.sessionId).not.toBe(events[1]!.sessionId);
    const first = sessions.find((s) => s.id === events[0]!.sessionId)!;
    expect(first).toMatchObject({ start: T0, end: T0 + 30 * MINUTE, pageviews: 2, entryPage: '/a', exitPage: '/b', version: 2 });
    const second = sessions.find((s) => s.id === events[2]!.sessionId)!;
    expect(second).toMatchObject({ start: T0 + 60 * MINUTE + 1, pageviews: 1, entryPage: '/c', exitPage: '/c', version: 1 });
  });

  it('orders a batch that arrives out of order by event time (entry, exit, first touch)', async () => {
    const site = await createSite('order.test');
    await siteStub(site.id).ingest(site, [
      collected(site.id, { ts: T0 + 10 * MINUTE, pathname: '/late', source: 'Bing', referrer: 'bing.com/' }),
      collected(site.id, { ts: T0, pathname: '/early', source: 'Google', referrer: 'google.com/' }),
      collected(site.id, { ts: T0 + 5 * MINUTE, pathname: '/middle', source: 'Twitter' }),
    ], [], T0);
    const { sessions } = await outbox(site.id);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ start: T0, end: T0 + 10 * MINUTE, entryPage: '/early', exitPage: '/late', source: 'Google', referrer: 'google.com/', pageviews: 3 });
  });

  it('applies a late event from an earlier batch to the right session (earlier entry, first touch)', async () => {
    const site = await createSite('late.test');
    const stub = siteStub(site.id);
    await stub.ingest(site, [collected(site.id, { ts: T0 + 10 * MINUTE, pathname: '/second', source: 'Bing' })], [], T0);
    await stub.ingest(site, [collected(site.id, { ts: T0, pathname: '/first', source: 'Google' })], [], T0);
    const { sessions, events } = await outbox(site.id);
    expect(events[0]!.sessionId).toBe(events[1]!.sessionId);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ start: T0, end: T0 + 10 * MINUTE, entryPage: '/first', exitPage: '/second', source: 'Google', version: 2 });
  });

  it('counts bounces: one pageview bounces, an interactive custom event does not, a non-interactive one does', async () => {
    const site = await createSite('bounce.test');
    const ua = (n: number) => `Mozilla/5.0 visitor-${n}`;
    await siteStub(site.id).ingest(site, [
      collected(site.id, { ua: ua(1) }),
      collected(site.id, { ua: ua(2) }),
      collected(site.id, { ua: ua(2), ts: T0 + MINUTE, name: 'Signup' }),
      collected(site.id, { ua: ua(3) }),
      collected(site.id, { ua: ua(3), ts: T0 + MINUTE, name: 'Video played', interactive: false }),
      collected(site.id, { ua: ua(4) }),
      collected(site.id, { ua: ua(4), ts: T0 + MINUTE, name: 'web-vital', props: { metric: 'LCP', value: '1200', rating: 'good' } }),
    ], [], T0);
    const { sessions } = await outbox(site.id);
    const byEvents = sessions.map((s) => ({ events: s.events, interactive: s.interactiveEvents, pageviews: s.pageviews })).sort((a, b) => a.events - b.events || a.interactive - b.interactive);
    expect(byEvents).toEqual([
      { events: 1, interactive: 0, pageviews: 1 },
      { events: 2, interactive: 0, pageviews: 1 },
      { events: 2, interactive: 0, pageviews: 1 },
      { events: 2, interactive: 1, pageviews: 1 },
    ]);
  });

  it('lets engagement events join a session without extending its duration, and drops orphans', async () => {
    const site = await createSite('engage.test');
    const result = await siteStub(site.id).ingest(site, [
      collected(site.id, { ts: T0 }),
      collected(site.id, { ts: T0 + 4 * MINUTE, name: 'engagement', scrollDepth: 80, engagedMs: 200_000 }),
      collected(site.id, { ts: T0, name: 'engagement', ua: 'Mozilla/5.0 nobody-else', scrollDepth: 10, engagedMs: 1000 }),
    ], [], T0);
    expect(result).toEqual({ accepted: 2, dropped: { no_session: 1 }, outcomes: [null, null, 'no_session'] });
    const { sessions } = await outbox(site.id);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ start: T0, end: T0, events: 2, pageviews: 1 });
  });
});

it('treats web vitals and errors like engagement: they join a session, never open or stretch one', async () => {
  const site = await createSite('passive.test');
  const result = await siteStub(site.id).ingest(site, [
    collected(site.id, { ts: T0 }),
    collected(site.id, { ts: T0 + 20 * MINUTE, name: 'web-vital', interactive: false, props: { metric: 'LCP', value: '2100', rating: 'good' } }),
    collected(site.id, { ts: T0 + 25 * MINUTE, name: 'error', interactive: false, props: { message: 'boom' } }),
    collected(site.id, { ts: T0, name: 'error', ua: 'Mozilla/5.0 no-pageview-yet', props: { message: 'early' } }),
  ], [], T0);
  expect(result.outcomes).toEqual([null, null, null, 'no_session']);
  const { sessions } = await outbox(site.id);
  expect(sessions).toHaveLength(1);
  expect(sessions[0]).toMatchObject({ start: T0, end: T0, events: 3, pageviews: 1, interactiveEvents: 0 });
});

it("stamps every event with its visit's source, UTM, device and geo (from the first event)", async () => {
  const site = await createSite('stamp.test');
  await siteStub(site.id).ingest(site, [
    collected(site.id, { ts: T0, source: 'Google', channel: 'Organic Search', referrer: 'google.com', country: 'FR' }),
    collected(site.id, { ts: T0 + MINUTE, pathname: '/next', source: 'Direct / None', channel: 'Direct', referrer: null, country: 'FR' }),
  ], [], T0);
  const { events } = await outbox(site.id);
  expect(events.map((e) => [e.pathname, e.source, e.channel, e.referrer])).toEqual([
    ['/', 'Google', 'Organic Search', 'google.com'],
    ['/next', 'Google', 'Organic Search', 'google.com'],
  ]);
});

it('keeps backfilled events out of the realtime counters', async () => {
  const site = await createSite('backfill.test');
  const now = T0 + 3 * 3600_000;
  await siteStub(site.id).ingest(site, [
    collected(site.id, { ts: T0, ua: 'Mozilla/5.0 old-visit' }),
    collected(site.id, { ts: now - 2 * MINUTE, ua: 'Mozilla/5.0 current-visit' }),
  ], [], now);
  const counters = await runInDurableObject(siteStub(site.id), (instance: SiteDO) => realtimeOf(instance).counters(now));
  expect(counters.currentVisitors).toBe(1);
  expect(counters.minutes.reduce((n, m) => n + m.pageviews, 0)).toBe(1);
  expect((await outbox(site.id)).events).toHaveLength(2);
});

describe('visitor ids and salts', () => {
  it('gives an anonymous visitor a new id (and session) after the site-local midnight, a uid keeps its id', async () => {
    const site = await createSite('midnight.test');
    const beforeMidnight = Date.UTC(2026, 10, 20, 23, 55);
    await siteStub(site.id).ingest(site, [
      collected(site.id, { ts: beforeMidnight }),
      collected(site.id, { ts: beforeMidnight + 10 * MINUTE }),
      collected(site.id, { ts: beforeMidnight, uid: 'user-1' }),
      collected(site.id, { ts: beforeMidnight + 10 * MINUTE, uid: 'user-1' }),
    ], [], beforeMidnight);
    const { events } = await outbox(site.id);
    const anon = events.filter((e) => !e.identified);
    const known = events.filter((e) => e.identified);
    expect(anon[0]!.visitorId).not.toBe(anon[1]!.visitorId);
    expect(anon[0]!.sessionId).not.toBe(anon[1]!.sessionId);
    expect(known[0]!.visitorId).toBe(known[1]!.visitorId);
    expect(known[0]!.sessionId).toBe(known[1]!.sessionId);
  });

  it('rotates salts on the site-local day, not the UTC day', async () => {
    const site = await createSite('tz.test', { timezone: 'America/New_York' });
    // 23:55 and 00:05 UTC are 18:55 and 19:05 in New York (EST): same local day, same visitor.
    const utcMidnight = Date.UTC(2026, 10, 21, 0, 0);
    // 04:55 and 05:05 UTC straddle New York's midnight: different visitors.
    const localMidnight = Date.UTC(2026, 10, 21, 5, 0);
    await siteStub(site.id).ingest(site, [
      collected(site.id, { ts: utcMidnight - 5 * MINUTE }),
      collected(site.id, { ts: utcMidnight + 5 * MINUTE }),
      collected(site.id, { ts: localMidnight - 5 * MINUTE }),
      collected(site.id, { ts: localMidnight + 5 * MINUTE }),
    ], [], localMidnight);
    const ids = (await outbox(site.id)).events.map((e) => e.visitorId);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[1]).toBe(ids[2]);
    expect(ids[3]).not.toBe(ids[2]);
  });

  it('never stores the IP or the user agent, and destroys salts after 48 hours', async () => {
    const site = await createSite('privacy.test');
    const stub = siteStub(site.id);
    await stub.ingest(site, [collected(site.id, { ip: '198.51.100.99', ua: 'Mozilla/5.0 UniqueAgent/77' })], [], T0);
    const dump = await runInDurableObject(stub, (_: SiteDO, state) => {
      const tables = state.storage.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%'").toArray();
      return tables.map(({ name }) => JSON.stringify(state.storage.sql.exec(`SELECT * FROM "${name}"`).toArray())).join('\n');
    });
    expect(dump).toContain('privacy.test');
    expect(dump).not.toContain('198.51.100.99');
    expect(dump).not.toContain('UniqueAgent');

    expect(await stub.rotateSalts(T0 + 24 * 3600_000)).toBe(0); // the day before is still kept
    expect(await stub.rotateSalts(T0 + 48 * 3600_000)).toBe(1);
  });
});

describe('outbox durability', () => {
  it('survives eviction between ack and flush: the alarm still sends everything and then forgets it', async () => {
    const site = await createSite('evict.test');
    const stub = siteStub(site.id);
    const result = await stub.ingest(site, Array.from({ length: 25 }, (_, i) => collected(site.id, { ts: T0 + i * 1000, ua: `Mozilla/5.0 v${i % 5}` })), [], T0);
    expect(result.accepted).toBe(25);
    await evictDurableObject(stub);
    expect(await pending(stub)).toBe(25 + 5); // 25 events + 5 session snapshots
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await pending(stub)).toBe(0);
  });

  it('packs a large outbox into Queue messages within the size limit', async () => {
    const site = await createSite('pack.test');
    const stub = siteStub(site.id);
    const big = { note: 'x'.repeat(1500) };
    for (let batch = 0; batch < 4; batch++) {
      await stub.ingest(site, Array.from({ length: 50 }, (_, i) => collected(site.id, { ts: T0 + (batch * 50 + i) * 1000, name: 'Note', props: big, ua: `ua-${i}` })), [], T0);
    }
    const packed = await runInDurableObject(stub, async (instance: SiteDO) => {
      const { readPending } = await import('./site-do/outbox');
      return readPending(outboxOf(instance), site.id, 'pack.test').messages.map((m) => ({ bytes: JSON.stringify(m.body).length, events: m.body.events.length, id: m.body.batchId }));
    });
    expect(packed.reduce((n, m) => n + m.events, 0)).toBe(200);
    expect(packed.length).toBeGreaterThan(2);
    for (const m of packed) expect(m.bytes).toBeLessThanOrEqual(100_000);
    expect(new Set(packed.map((m) => m.id)).size).toBe(packed.length);
  });

  it('sets the alarm again when an alarm leaves rows waiting, until the outbox is empty', async () => {
    const site = await createSite('more.test');
    const stub = siteStub(site.id);
    // 4,100 events of one visitor: more than one flush reads (4,000 rows)
    for (let batch = 0; batch < 82; batch++) {
      await stub.ingest(site, Array.from({ length: 50 }, (_, i) => collected(site.id, { ts: T0 + (batch * 50 + i) * 100 })), [], T0);
    }
    expect(await pending(stub)).toBe(4100 + 1);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await pending(stub)).toBe(100);
    expect(await runInDurableObject(stub, (_: SiteDO, state) => state.storage.getAlarm())).not.toBeNull();
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await pending(stub)).toBe(0);
    expect(await runInDurableObject(stub, (_: SiteDO, state) => state.storage.getAlarm())).toBeNull();
  });
});
