import type { DropCount, DropReason, QueueMessageBody, StoredEvent, StoredSession } from '../../contract/events';

/**
 * The outbox: accepted events and session snapshots wait here, in the SiteDO's SQLite, until the
 * alarm has handed them to the Queue. Rows are deleted only after the Queue accepted them, so an
 * eviction or crash between ack and flush loses nothing (at-least-once; the consumer dedupes).
 *
 * Queue limits shape the packing: a message ≤ 128 KB, a sendBatch ≤ 100 messages and ≤ 256 KB,
 * all in bytes of the JSON sent (plus ~100 B of metadata per message). Sizes here are therefore
 * UTF-8 bytes, never string lengths: an emoji is 2 UTF-16 units but 4 bytes, and counting units
 * let three 60 KB events of emoji props pack into one 180 KB message that the Queue refused on
 * every flush, forever, with every later event of the site stuck behind it (issue 13).
 */
export const MAX_MESSAGE_BYTES = 96_000;
export const MAX_SEND_BATCH_BYTES = 240_000;
/** the platform's per-message metadata, counted against both limits; generous on purpose */
export const MESSAGE_OVERHEAD_BYTES = 200;
/** site, batch id and the empty arrays around the items; the exact size is measured after packing */
const ENVELOPE_BYTES = 800;
/** rows read per flush; the alarm is set again when more are waiting */
const FLUSH_ROWS = 4_000;
/**
 * Bytes read per flush, per kind: 4,000 rows of 60 KB events would be 240 MB, past the object's
 * memory; a bound keeps each alarm small (~17 sendBatch calls) and lets the next one go on.
 */
const FLUSH_BYTES = 4_000_000;

const encoder = new TextEncoder();
export const utf8Bytes = (text: string): number => encoder.encode(text).byteLength;

export function appendEvent(sql: SqlStorage, event: StoredEvent): void {
  const body = JSON.stringify(event);
  sql.exec('INSERT INTO outbox_events (bytes, body) VALUES (?, ?)', utf8Bytes(body), body);
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
    "INSERT INTO outbox_drops (day, reason, sealed, count) VALUES (?, ?, '', ?) ON CONFLICT (day, reason, sealed) DO UPDATE SET count = count + excluded.count",
    day,
    reason,
    count,
  );
}

/** One outbox row as it travels: its JSON, its size in bytes, and what to delete once sent. */
export type OutboxItem =
  | { kind: 'event'; seq: number; body: string; bytes: number }
  | { kind: 'session'; id: string; version: number; body: string; bytes: number }
  | { kind: 'drops'; drops: DropCount[]; seal: string; body: string; bytes: number };

/** One Queue message, the rows it carries, and its exact size in bytes as JSON. */
export interface OutboxMessage {
  body: QueueMessageBody;
  items: OutboxItem[];
  bytes: number;
}

/** Reads what is waiting and packs it into Queue messages, without deleting anything. */
export function readPending(sql: SqlStorage, site: string, objectName: string): { messages: OutboxMessage[] } {
  const items: OutboxItem[] = [];
  // Cursors are read lazily, so stopping at the byte budget never loads the rest.
  let budget = FLUSH_BYTES;
  for (const row of sql.exec<{ seq: number; body: string }>('SELECT seq, body FROM outbox_events ORDER BY seq LIMIT ?', FLUSH_ROWS)) {
    const bytes = utf8Bytes(row.body); // the column may hold UTF-16 lengths written before issue 13
    items.push({ kind: 'event', seq: row.seq, body: row.body, bytes });
    if ((budget -= bytes) <= 0) break;
  }
  budget = FLUSH_BYTES;
  const sessions = sql.exec<{ id: string; version: number; body: string }>(
    'SELECT o.id, o.version, s.body FROM outbox_sessions o JOIN sessions s ON s.id = o.id ORDER BY o.id LIMIT ?',
    FLUSH_ROWS,
  );
  for (const row of sessions) {
    const bytes = utf8Bytes(row.body);
    items.push({ kind: 'session', id: row.id, version: row.version, body: row.body, bytes });
    if ((budget -= bytes) <= 0) break;
  }
  const sealed = sealDrops(sql);
  if (sealed) {
    const body = JSON.stringify(sealed.drops);
    items.push({ kind: 'drops', drops: sealed.drops, seal: sealed.seal, body, bytes: utf8Bytes(body) });
  }

  const groups: OutboxItem[][] = [];
  let room = 0;
  for (const item of items) {
    if (!groups.length || room < item.bytes + 1) {
      groups.push([]);
      room = MAX_MESSAGE_BYTES - ENVELOPE_BYTES;
    }
    groups.at(-1)!.push(item);
    room -= item.bytes + 1; // the comma
  }
  return { messages: groups.map((group) => buildMessage(group, site, objectName)) };
}

/**
 * The drop counts to send, under their seal: the counts sealed by an earlier flush the Queue may
 * or may not have taken (sent again as they were, so the consumer's key ignores a second copy),
 * else the open counts, sealed now. Drops counted meanwhile wait, open, for the next seal.
 */
function sealDrops(sql: SqlStorage): { seal: string; drops: DropCount[] } | null {
  let seal = sql.exec<{ sealed: string }>("SELECT sealed FROM outbox_drops WHERE sealed != '' LIMIT 1").toArray()[0]?.sealed;
  if (!seal) {
    seal = crypto.randomUUID();
    if (sql.exec("UPDATE outbox_drops SET sealed = ? WHERE sealed = ''", seal).rowsWritten === 0) return null;
  }
  const drops = sql.exec<{ day: string; reason: DropReason; count: number }>('SELECT day, reason, count FROM outbox_drops WHERE sealed = ?', seal).toArray();
  return { seal, drops };
}

/** The message for these rows, measured exactly as the JSON the Queue will be sent. */
export function buildMessage(items: OutboxItem[], site: string, objectName: string): OutboxMessage {
  const body: QueueMessageBody = { site, batchId: '', events: [], sessions: [], drops: [] };
  for (const item of items) {
    if (item.kind === 'event') body.events.push(JSON.parse(item.body) as StoredEvent);
    else if (item.kind === 'session') body.sessions.push(JSON.parse(item.body) as StoredSession);
    else {
      body.drops.push(...item.drops);
      body.dropsId = item.seal;
    }
  }
  const seqs = items.flatMap((item) => (item.kind === 'event' ? [item.seq] : []));
  // An event range keeps its id when re-sent after a failed flush, so the consumer's R2 write
  // overwrites the same object; session/drop-only messages archive nothing and need no such id.
  body.batchId = seqs.length ? `${objectName}-${seqs[0]}-${seqs.at(-1)}` : `${objectName}-x-${crypto.randomUUID()}`;
  return { body, items, bytes: utf8Bytes(JSON.stringify(body)) };
}

/** Groups messages into sendBatch calls within the Queue's per-call limits. */
export function toSendBatches(messages: OutboxMessage[]): OutboxMessage[][] {
  const batches: OutboxMessage[][] = [];
  let batch: OutboxMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = message.bytes + MESSAGE_OVERHEAD_BYTES;
    if (batch.length && (batch.length === 100 || bytes + size > MAX_SEND_BATCH_BYTES)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(message);
    bytes += size;
  }
  if (batch.length) batches.push(batch);
  return batches;
}

/** After the Queue accepted messages (or a row was dead-lettered): forget exactly those rows. */
export function markSent(sql: SqlStorage, sent: { items: OutboxItem[] }[]): void {
  for (const message of sent) {
    // A message's events are a contiguous run of seqs (read in order, and a row leaves only by
    // being sent or dead-lettered), so one range delete per message, never rows that came since.
    const seqs = message.items.flatMap((item) => (item.kind === 'event' ? [item.seq] : []));
    if (seqs.length) sql.exec('DELETE FROM outbox_events WHERE seq BETWEEN ? AND ?', seqs[0], seqs.at(-1));
    for (const item of message.items) {
      if (item.kind === 'session') sql.exec('DELETE FROM outbox_sessions WHERE id = ? AND version = ?', item.id, item.version);
      if (item.kind === 'drops') sql.exec('DELETE FROM outbox_drops WHERE sealed = ?', item.seal);
    }
  }
}

export function pendingCount(sql: SqlStorage): number {
  return sql.exec<{ n: number }>(
    'SELECT (SELECT count(*) FROM outbox_events) + (SELECT count(*) FROM outbox_sessions) + (SELECT count(*) FROM outbox_drops) AS n',
  ).one().n;
}
