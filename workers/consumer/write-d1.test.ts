import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CollectedEvent, QueueMessageBody, StoredEvent, StoredSession } from '../../contract/events';
import { collected, createSite, MINUTE } from '../../test/helpers/fixtures';
import { queueMessage, sessionWith, storedEvent, type VisitRef } from '../../test/helpers/write-path';
import { guardStatement } from './tombstones';
import { archivedElsewhereStatement, writeStatements } from './write-d1';

/**
 * What the consumer pays in D1 per event, in the billed unit ($1 per million rows written, every
 * index entry counted: DESIGN §8b), for the messages a busy SiteDO flushes every second: each
 * statement's `meta.rows_written`, hand-counted per table.
 */
const SITE = 'rows-written.consumer.test';
const T0 = Date.UTC(2026, 10, 20, 12, 3, 10); // 12:03:10 UTC: the quarter-hour from 12:00
const NOW = T0 + 2_000;

type Visit = VisitRef & { session: StoredSession | null; events: StoredEvent[] };

const visit = (id: string, visitorId: number): Visit => ({ sessionId: id, site: SITE, visitorId, identified: false, session: null, events: [] });

/** Adds an event to a visit as the SiteDO would: the session extended (or opened), the event stored. */
function add(v: Visit, overrides: Partial<CollectedEvent>): void {
  const event = collected(SITE, overrides);
  v.session = sessionWith(v.session, event, v)!;
  v.events.push(storedEvent(event, v.session, `${v.sessionId}-${v.events.length}`));
}

/** Runs the message as the consumer does (guard, writes, archive check) and returns rows written per statement. */
async function written(body: QueueMessageBody, now: number): Promise<{ total: number; perStatement: number[] }> {
  const statements = [guardStatement(env.DB, body.site, now), ...writeStatements(env.DB, body, now, { sentAt: now }), archivedElsewhereStatement(env.DB, body)];
  const results = await env.DB.batch(statements);
  const perStatement = results.map((r) => r.meta.rows_written);
  return { total: perStatement.reduce((a, b) => a + b, 0), perStatement };
}

describe('D1 rows written per event by the consumer', () => {
  beforeAll(() => createSite(SITE, { createdAt: T0 - 86_400_000 }));

  it('writes one row per event, one per changed session (two for a new one) and a few per site and minute for arrivals', async () => {
    // a returning visit opened 20 minutes earlier (its start is in the previous quarter-hour), and two new ones
    const returning = visit('rw-returning', 1);
    add(returning, { ts: T0 - 20 * MINUTE, pathname: '/' });
    await written(queueMessage(SITE, 'rw-0', returning.events.splice(0), [returning.session!]), NOW - 20 * MINUTE);

    // one second of traffic: 8 events, 3 changed sessions
    const fresh = visit('rw-fresh', 2);
    const bounced = visit('rw-bounced', 3);
    add(returning, { ts: T0, pathname: '/pricing' });
    add(returning, { ts: T0 + 400, pathname: '/signup' });
    add(fresh, { ts: T0 + 100, pathname: '/blog/post' });
    add(fresh, { ts: T0 + 300, name: 'engagement', interactive: false, scrollDepth: 80, engagedMs: 12_000 });
    add(fresh, { ts: T0 + 500, name: 'Signup', props: { plan: 'pro' } });
    add(bounced, { ts: T0 + 200, pathname: '/' });
    add(bounced, { ts: T0 + 600, name: 'web-vital', interactive: false, props: { metric: 'LCP', value: '1800' } });
    add(bounced, { ts: T0 + 700, name: 'engagement', interactive: false, scrollDepth: 10, engagedMs: 900 });
    const visits = [returning, fresh, bounced];
    const events = visits.flatMap((v) => v.events.splice(0));
    const second = queueMessage(SITE, 'rw-1', events, visits.map((v) => v.session!));
    const first = await written(second, NOW);
    // guard 0; events 8 × 1 (the row is its own key); sessions: 2 new × 2 (row + start index),
    // 1 newer version × 1; no start moved; arrivals: the events' quarter-hour, and the sessions'
    // two (the new visits' and the returning visit's start), a row each; the archive check 0
    expect(first.perStatement).toEqual([0, 8, 5, 0, 3, 0]);
    expect(first.total / events.length).toBeLessThanOrEqual(2);

    // the same message again (a Queue retry): nothing is written
    expect((await written(second, NOW + 1_000)).total).toBe(0);

    // the next second, same minute: 2 events of one visit; its arrivals pairs are there already
    add(fresh, { ts: T0 + 1_200, pathname: '/docs' });
    add(fresh, { ts: T0 + 1_300, pathname: '/docs/install' });
    const third = await written(queueMessage(SITE, 'rw-2', fresh.events.splice(0), [fresh.session!]), NOW + 1_000);
    expect(third.perStatement).toEqual([0, 2, 1, 0, 0, 0]);

    // 10 events, 4 session versions, one minute: 19 rows, 1.9 per event (by the same count, the
    // schema before 0013 wrote 76: 6 per event, 5 per new session and 3 per newer version)
    expect(first.total + third.total).toBe(19);
  });

  it('a late first event that moves a session start rewrites its start index entry too', async () => {
    const late = visit('rw-late', 4);
    add(late, { ts: T0 + 60_000, pathname: '/b' });
    await written(queueMessage(SITE, 'rw-late-0', late.events.splice(0), [late.session!]), NOW + 60_000);
    add(late, { ts: T0 + 30_000, pathname: '/a' }); // earlier than the session's start
    const moved = await written(queueMessage(SITE, 'rw-late-1', late.events.splice(0), [late.session!]), NOW + 61_000);
    // event 1, session row 1, then its start moved: row and index entry; arrivals: same minute and quarter-hour
    expect(moved.perStatement).toEqual([0, 1, 1, 2, 0, 0]);
  });
});
