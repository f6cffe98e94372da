import type { DropCount, DropReason, QueueMessageBody, StoredEvent, StoredSession } from '../../contract/events';

/**
 * The outbox: accepted events and session snapshots wait here, in the SiteDO's SQLite, until the
 * alarm has handed them to the Queue. Rows are deleted only after the Queue accepted them, so an
 * eviction or crash between ack and flush loses nothing (at-least-once; the consumer dedupes).
 *
 * Queue limits shape the packing: a message ≤ 128 KB, a sendBatch ≤ 100 messages and ≤ 256 KB.
 */
export const MAX_MESSAGE_BYTES = 96_000;
export const MAX_SEND_BATCH_BYTES = 240_000;
/** rows read per flush; the alarm is set again when more are waiting */
const FLUSH_ROWS = 4_000;

export function appendEvent(sql: SqlStorage, event: StoredEvent): void {
  const body = JSON.stringify(event);
  sql.exec('INSERT INTO outbox_events (bytes, body) VALUES (?, ?)', body.length, body);
}

/**
 * Marks a session as due for sending. Only its newest version is sent: the body is read from
 * `sessions` at flush time, and `version` makes sure a change after the read is sent again.
 */
export function markSessionDue(sql: SqlStorage, session: Pick<StoredSession, 'id' | 'version'>): void {
  sql.exec(
    'INSERT INTO outbox_sessions (id, version) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version',
    session.id,
    session.version,
  );
}

export function countDrop(sql: SqlStorage, day: string, reason: DropReason, count = 1): void {
  sql.exec(
    'INSERT INTO outbox_drops (day, reason, count) VALUES (?, ?, ?) ON CONFLICT (day, reason) DO UPDATE SET count = count + excluded.count',
    day,
    reason,
    count,
  );
}

/** One Queue message and what to delete from the outbox once the Queue has accepted it. */
export interface OutboxMessage {
  body: QueueMessageBody;
  lastSeq: number | null;
  sessions: { id: string; version: number }[];
  drops: DropCount[];
  bytes: number;
}

/** Reads what is waiting and packs it into Queue messages, without deleting anything. */
export function readPending(sql: SqlStorage, site: string, objectName: string): { messages: OutboxMessage[] } {
  const eventRows = sql
    .exec<{ seq: number; bytes: number; body: string }>('SELECT seq, bytes, body FROM outbox_events ORDER BY seq LIMIT ?', FLUSH_ROWS)
    .toArray();
  const sessionRows = sql
    .exec<{ id: string; version: number; body: string }>(
      'SELECT o.id, o.version, s.body FROM outbox_sessions o JOIN sessions s ON s.id = o.id ORDER BY o.id LIMIT ?',
      FLUSH_ROWS,
    )
    .toArray();
  const drops = sql.exec<{ day: string; reason: DropReason; count: number }>('SELECT day, reason, count FROM outbox_drops').toArray();

  const drafts: (OutboxMessage & { firstSeq: number | null })[] = [];
  const withRoom = (bytes: number) => {
    let draft = drafts.at(-1);
    if (!draft || draft.bytes + bytes > MAX_MESSAGE_BYTES) {
      draft = { body: { site, batchId: '', events: [], sessions: [], drops: [] }, bytes: 200, firstSeq: null, lastSeq: null, sessions: [], drops: [] };
      drafts.push(draft);
    }
    draft.bytes += bytes + 1;
    return draft;
  };
  for (const row of eventRows) {
    const draft = withRoom(row.bytes);
    draft.body.events.push(JSON.parse(row.body) as StoredEvent);
    draft.firstSeq ??= row.seq;
    draft.lastSeq = row.seq;
  }
  for (const row of sessionRows) {
    const draft = withRoom(row.body.length);
    draft.body.sessions.push(JSON.parse(row.body) as StoredSession);
    draft.sessions.push({ id: row.id, version: row.version });
  }
  if (drops.length) {
    const draft = withRoom(JSON.stringify(drops).length);
    draft.body.drops = drops;
    draft.drops = drops;
  }
  for (const draft of drafts) {
    // An event range keeps its id when re-sent after a failed flush, so the consumer's R2 write
    // overwrites the same object; session/drop-only messages archive nothing and need no such id.
    draft.body.batchId =
      draft.firstSeq === null ? `${objectName}-x-${crypto.randomUUID()}` : `${objectName}-${draft.firstSeq}-${draft.lastSeq}`;
  }
  return { messages: drafts };
}

/** Groups messages into sendBatch calls within the Queue's per-call limits. */
export function toSendBatches(messages: OutboxMessage[]): OutboxMessage[][] {
  const batches: OutboxMessage[][] = [];
  let batch: OutboxMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    if (batch.length && (batch.length === 100 || bytes + message.bytes > MAX_SEND_BATCH_BYTES)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(message);
    bytes += message.bytes;
  }
  if (batch.length) batches.push(batch);
  return batches;
}

/** After the Queue accepted messages: forget exactly what they carried, nothing that arrived since. */
export function markSent(sql: SqlStorage, sent: OutboxMessage[]): void {
  for (const message of sent) {
    if (message.lastSeq !== null) sql.exec('DELETE FROM outbox_events WHERE seq <= ?', message.lastSeq);
    for (const { id, version } of message.sessions) {
      sql.exec('DELETE FROM outbox_sessions WHERE id = ? AND version = ?', id, version);
    }
    for (const drop of message.drops) {
      sql.exec('UPDATE outbox_drops SET count = count - ? WHERE day = ? AND reason = ?', drop.count, drop.day, drop.reason);
    }
  }
  sql.exec('DELETE FROM outbox_drops WHERE count <= 0');
}

export function pendingCount(sql: SqlStorage): number {
  return sql.exec<{ n: number }>(
    'SELECT (SELECT count(*) FROM outbox_events) + (SELECT count(*) FROM outbox_sessions) + (SELECT count(*) FROM outbox_drops) AS n',
  ).one().n;
}
