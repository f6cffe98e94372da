import type { QueueMessageBody, StoredEvent, StoredSession } from '../../contract/events';
import { durationSeconds, isBounce } from '../../contract/sessions';
import { ATTRIBUTION_FIELDS } from '../../contract/attribution';
import { SITE_ALIVE, VISITOR_NOT_ERASED } from './tombstones';
import { ARRIVAL_BUCKET_MS, ARRIVAL_MINUTE_MS } from '../db/schema';

/**
 * Writes a Queue message's events, session snapshots and drop counts to D1, idempotently:
 * an event already present is skipped (a resent event has the same site, ts and id: the key);
 * a session row is replaced only by a newer version;
 * drop counts are keyed by their seal in the SiteDO (or, from older objects, the batch).
 * Each table gets one statement whose rows come from `json_each` over a single bound JSON
 * parameter, which keeps us far below D1's 100-bound-parameter limit at any batch size. What
 * a message costs in rows written (the billed unit) is counted in write-d1.test.ts.
 */

/** [column, JSON key] pairs shared by events and sessions (first-touch attribution, device, geo). */
const ATTRIBUTION: [string, string][] = ATTRIBUTION_FIELDS.map(([column, field]) => [column, field]);

const EVENT_COLUMNS: [string, string][] = [
  ['id', 'id'], ['site_id', 'site'], ['ts', 'ts'], ['visitor_id', 'visitorId'], ['session_id', 'sessionId'],
  ['identified', 'identified'], ['name', 'name'], ['hostname', 'hostname'], ['pathname', 'pathname'],
  ['props', 'props'], ['revenue_amount', 'revenueAmount'], ['revenue_currency', 'revenueCurrency'],
  ['interactive', 'interactive'], ['scroll_depth', 'scrollDepth'], ['engaged_ms', 'engagedMs'],
  ...ATTRIBUTION, ['inserted_at', 'insertedAt'], ['archive_batch', 'archiveBatch'],
];

const SESSION_COLUMNS: [string, string][] = [
  ['id', 'id'], ['site_id', 'site'], ['visitor_id', 'visitorId'], ['identified', 'identified'],
  ['version', 'version'], ['start', 'start'], ['end', 'end'], ['duration', 'duration'],
  ['pageviews', 'pageviews'], ['events', 'events'], ['interactive_events', 'interactiveEvents'],
  ['is_bounce', 'isBounce'], ['entry_page', 'entryPage'], ['exit_page', 'exitPage'], ['hostname', 'hostname'],
  ...ATTRIBUTION, ['inserted_at', 'insertedAt'],
];

/** The sessions' key (schema.ts): what never changes between a session's versions. */
const SESSION_KEY = ['site_id', 'visitor_id', 'id'];

function selectFromJson(columns: [string, string][]): string {
  return columns.map(([, key]) => `json_extract(value, '$.${key}')`).join(', ');
}

// ON CONFLICT DO NOTHING, not OR IGNORE: OR IGNORE would also skip rows that break NOT NULL,
// silently losing a malformed event instead of failing the message into a retry and the DLQ.
// `?1` is the rows' JSON; with a guard (workers/consumer/tombstones.ts), `?2` the site, `?3` when
// the message was sent.
const insertEvents = (where: string) => `INSERT INTO events (${EVENT_COLUMNS.map(([c]) => `"${c}"`).join(', ')})
  SELECT ${selectFromJson(EVENT_COLUMNS)} FROM json_each(?1) WHERE ${where} ON CONFLICT (site_id, ts, id) DO NOTHING`;

const upsertSessions = (where: string) => `INSERT INTO sessions (${SESSION_COLUMNS.map(([c]) => `"${c}"`).join(', ')})
  SELECT ${selectFromJson(SESSION_COLUMNS)} FROM json_each(?1) WHERE ${where}
  ON CONFLICT (site_id, visitor_id, id) DO UPDATE SET ${SESSION_COLUMNS.filter(([c]) => !SESSION_KEY.includes(c) && c !== 'start')
    .map(([c]) => `"${c}" = excluded."${c}"`)
    .join(', ')}
  WHERE excluded.version > sessions.version`;

// D1 counts an index entry as written whenever its column is assigned, changed or not: the upsert
// leaves `start` (indexed, sessions_site_start) alone, and this moves it only where a late first
// event did, on the row the upsert left at this message's version.
const moveSessionStarts = (where: string) => `UPDATE sessions SET start = json_extract(value, '$.start') FROM json_each(?1)
  WHERE sessions.site_id = json_extract(value, '$.site') AND sessions.visitor_id = json_extract(value, '$.visitorId')
    AND sessions.id = json_extract(value, '$.id') AND sessions.version = json_extract(value, '$.version')
    AND sessions.start != json_extract(value, '$.start') AND ${where}`;

const insertDrops = (where: string) => `INSERT OR IGNORE INTO drop_counts (day, site_id, reason, batch_id, count)
  SELECT json_extract(value, '$.day'), ?2, json_extract(value, '$.reason'), ?4, json_extract(value, '$.count') FROM json_each(?1) WHERE ${where}`;

// `?1` the message's [side, quarter-hour] pairs, `?4` its minute of arrival (schema.ts, `arrivals`).
// A tuple an earlier message of the minute wrote conflicts and writes no row.
const insertArrivals = (where: string) => `INSERT INTO arrivals (site_id, minute, side, bucket)
  SELECT ?2, ?4, json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?1) WHERE ${where} ON CONFLICT DO NOTHING`;

const PLAIN = { events: insertEvents('true'), sessions: upsertSessions('true'), starts: moveSessionStarts('true'), drops: insertDrops('true'), arrivals: insertArrivals('true') };
const GUARDED = {
  events: insertEvents(`${SITE_ALIVE} AND ${VISITOR_NOT_ERASED}`),
  sessions: upsertSessions(`${SITE_ALIVE} AND ${VISITOR_NOT_ERASED}`),
  starts: moveSessionStarts(`${SITE_ALIVE} AND ${VISITOR_NOT_ERASED}`),
  drops: insertDrops(SITE_ALIVE),
  arrivals: insertArrivals(SITE_ALIVE),
};

/** The quarter-hours a message writes rows in: its events' ts (`e`), its sessions' start (`s`). */
function arrivalBuckets(message: QueueMessageBody): [string, number][] {
  const of = (side: string, times: number[]) => [...new Set(times.map((t) => Math.floor(t / ARRIVAL_BUCKET_MS)))].map((b): [string, number] => [side, b]);
  return [...of('e', message.events.map((e) => e.ts)), ...of('s', message.sessions.map((s) => s.start))];
}

/**
 * The message's key in `events.archive_batch`: cyrb53, a 53-bit string hash (a JS number, a D1
 * integer), synchronous so statements stay plain values; two batches carrying one event collide
 * with odds of 2^-53.
 */
export function archiveBatchKey(batchId: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < batchId.length; i++) {
    const c = batchId.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * After the message's writes, in the same batch: its events that an earlier message wrote (their
 * `archive_batch` is another's), which that message archives, not this one. A redelivery of the
 * same message finds its own key and archives all again, over the same objects.
 */
export function archivedElsewhereStatement(db: D1Database, message: QueueMessageBody): D1PreparedStatement {
  return db
    .prepare(
      // one key lookup per event: a resent event has the message's site and its own ts and id.
      // CROSS JOIN keeps json_each outside: with a plain JOIN SQLite walked the site's events
      // (rows read per message grew with the table: 875 after 150 events, bench:cost's 635/event)
      `SELECT json_group_array(e.id) AS ids FROM json_each(?1) j CROSS JOIN events e
        ON e.site_id = ?3 AND e.ts = json_extract(j.value, '$.ts') AND e.id = json_extract(j.value, '$.id')
        WHERE e.archive_batch IS NOT NULL AND e.archive_batch != ?2`,
    )
    .bind(JSON.stringify(message.events.map((e) => ({ id: e.id, ts: e.ts }))), archiveBatchKey(message.batchId), message.site);
}

function eventRow(event: StoredEvent, insertedAt: number, archiveBatch: number) {
  return {
    ...event,
    archiveBatch,
    identified: event.identified ? 1 : 0,
    interactive: event.interactive ? 1 : 0,
    props: JSON.stringify(event.props ?? {}),
    revenueAmount: event.revenue?.amount ?? null,
    revenueCurrency: event.revenue?.currency ?? null,
    insertedAt,
  };
}

function sessionRow(session: StoredSession, insertedAt: number) {
  return {
    ...session,
    identified: session.identified ? 1 : 0,
    duration: durationSeconds(session),
    isBounce: isBounce(session) ? 1 : 0,
    insertedAt,
  };
}

/**
 * The statements for one Queue message; run them in one `db.batch` (one transaction). With
 * `guard` (the consumer always passes it; test fixtures writing history need not), rows of a
 * deleted site or of a site re-created after the message was sent, and rows of a visitor erased
 * after it was sent, are not written: the check is part of the same statements, so an erasure or
 * a delete cannot slip in between a check and a write.
 */
export function writeStatements(db: D1Database, message: QueueMessageBody, now: number, guard?: { sentAt: number }): D1PreparedStatement[] {
  const { site, batchId, events, sessions, drops } = message;
  const sql = guard ? GUARDED : PLAIN;
  // D1 wants exactly as many values as the statement's highest `?n`
  const rows = (statement: string, list: unknown[]) =>
    guard ? db.prepare(statement).bind(JSON.stringify(list), site, guard.sentAt) : db.prepare(statement).bind(JSON.stringify(list));
  const statements: D1PreparedStatement[] = [];
  if (events.length) statements.push(rows(sql.events, events.map((e) => eventRow(e, now, archiveBatchKey(batchId)))));
  if (sessions.length) {
    const list = sessions.map((s) => sessionRow(s, now));
    statements.push(rows(sql.sessions, list), rows(sql.starts, list.map(({ id, site, visitorId, version, start, identified }) => ({ id, site, visitorId, version, start, identified }))));
  }
  // keyed by the drops' seal (the same on every resend of these counts), else by the batch
  if (drops.length) statements.push(db.prepare(sql.drops).bind(JSON.stringify(drops), site, guard?.sentAt ?? 0, message.dropsId ?? batchId));
  // what the rollups' refresh looks for: where in event time rows arrived, and when
  if (events.length || sessions.length) {
    statements.push(db.prepare(sql.arrivals).bind(JSON.stringify(arrivalBuckets(message)), site, guard?.sentAt ?? 0, Math.floor(now / ARRIVAL_MINUTE_MS)));
  }
  return statements;
}
