import { env } from 'cloudflare:test';
import { expect, it } from 'vitest';
import type { StoredEvent, StoredSession } from '../../contract/events';
import { collected, createSite, MINUTE } from '../../test/helpers/fixtures';
import { queueMessage, sessionWith, storedEvent, type VisitRef } from '../../test/helpers/write-path';
import { archivedElsewhereStatement, writeStatements } from './write-d1';

const SITE = 'archive-check-reads.consumer.test';
const T0 = Date.UTC(2026, 10, 20, 12, 3, 10);
const PER_MESSAGE = 5;

/**
 * The archive check (which of a message's events an earlier message wrote) is one key lookup per
 * event: its rows read must not grow with the site's events. With a plain JOIN SQLite walked the
 * site's rows instead (875 rows read for a 5-event message once 150 were stored; bench:cost
 * showed 635 rows read per event in the consumer).
 */
it("reads a few rows per event of the message, however many the site's table holds", async () => {
  await createSite(SITE, { createdAt: T0 - 86_400_000 });
  const reads: number[] = [];
  for (let round = 0; round < 30; round++) {
    const events: StoredEvent[] = [];
    const sessions: StoredSession[] = [];
    for (let v = 0; v < PER_MESSAGE; v++) {
      const ref: VisitRef = { sessionId: `s${round}-${v}`, site: SITE, visitorId: round * 10 + v + 1, identified: false };
      const event = collected(SITE, { ts: T0 + round * MINUTE + v * 100, pathname: `/p${v}` });
      const session = sessionWith(null, event, ref)!;
      events.push(storedEvent(event, session, `e${round}-${v}`));
      sessions.push(session);
    }
    const body = queueMessage(SITE, `b${round}`, events, sessions);
    const now = T0 + round * MINUTE + 1_000;
    const results = await env.DB.batch([...writeStatements(env.DB, body, now), archivedElsewhereStatement(env.DB, body)]);
    reads.push(results.at(-1)!.meta.rows_read);
  }
  // json_each's rows and one key lookup each: the same on the first message and the thirtieth
  expect(reads[29]).toBe(reads[0]);
  expect(reads[29]).toBeLessThanOrEqual(2 * PER_MESSAGE);
});
