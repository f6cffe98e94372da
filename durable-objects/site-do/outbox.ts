import type { DropCount, QueueMessageBody, StoredEvent, StoredSession } from '../../contract/events';
import type { DropCounts } from './drop-counts';
import type { OutboxLog } from './outbox-log';
import type { OpenSessions } from './session-store';

/**
 * The outbox: what the alarm hands to the Queue. Accepted events wait in the log (outbox-log.ts,
 * the object's SQLite) until the Queue accepted them; the "sent up to" cursor moves only then, so
 * an eviction or crash between ack and flush loses nothing (at-least-once; the consumer dedupes).
 * Session snapshots go one per changed session per flush (its newest version, from memory), drop
 * counts sealed per flush (drop-counts.ts).
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
export const FLUSH_ROWS = 4_000;
/**
 * Bytes read per flush, per kind: 4,000 rows of 60 KB events would be 240 MB, past the object's
 * memory; a bound keeps each alarm small (~17 sendBatch calls) and lets the next one go on.
 */
const FLUSH_BYTES = 4_000_000;

/** What the outbox is made of: the durable log, the sessions and the drop counts in memory. */
export interface Outbox {
  sql: SqlStorage;
  log: OutboxLog;
  sessions: OpenSessions;
  drops: DropCounts;
}

const encoder = new TextEncoder();
export const utf8Bytes = (text: string): number => encoder.encode(text).byteLength;

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

/** The packed messages, and how far the log's events are covered once they are all sent. */
export interface Pending {
  messages: OutboxMessage[];
  /** every event row up to this seq is in `messages` or was sent before */
  eventsThrough: number;
}

/** Reads what is waiting and packs it into Queue messages, without marking anything sent. */
export function readPending(outbox: Outbox, site: string, objectName: string): Pending {
  const items: OutboxItem[] = [];
  const lastSeq = outbox.log.lastSeq;
  // Rows are read lazily, so stopping at the byte budget never loads the rest.
  let budget = FLUSH_BYTES;
  let rows = 0;
  let complete = true;
  for (const row of outbox.log.unsentEvents(FLUSH_ROWS + 1)) {
    if (rows === FLUSH_ROWS || budget <= 0) {
      complete = false;
      break;
    }
    const bytes = utf8Bytes(row.body);
    items.push({ kind: 'event', seq: row.seq, body: row.body, bytes });
    budget -= bytes;
    rows += 1;
  }
  const lastEvent = items.at(-1)?.kind === 'event' ? (items.at(-1) as { seq: number }).seq : outbox.log.cursor.events;
  budget = FLUSH_BYTES;
  const due = outbox.sessions.due().sort((a, b) => (a.session.id < b.session.id ? -1 : 1)).slice(0, FLUSH_ROWS);
  for (const { session } of due) {
    const body = JSON.stringify(session);
    const bytes = utf8Bytes(body);
    items.push({ kind: 'session', id: session.id, version: session.version, body, bytes });
    if ((budget -= bytes) <= 0) break;
  }
  // one sealed set per flush: a message carries one `dropsId`
  for (const sealed of outbox.drops.seal().slice(0, 1)) {
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
  return { messages: groups.map((group) => buildMessage(group, site, objectName)), eventsThrough: complete ? lastSeq : lastEvent };
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

/**
 * After the Queue accepted messages (or a row was dead-lettered): those rows are sent. The durable
 * cursor moves once (one row written): events up to the message's last one (a message's events are
 * a contiguous run of seqs, read in order, and sent in order), session snapshots up to the first
 * change the Queue does not have yet. `eventsThrough` once a whole flush went out.
 */
export function markSent(outbox: Outbox, sent: { items: OutboxItem[] }[], eventsThrough = 0): void {
  let events = Math.max(outbox.log.cursor.events, eventsThrough);
  for (const message of sent) {
    for (const item of message.items) {
      if (item.kind === 'event') events = Math.max(events, item.seq);
      if (item.kind === 'session') outbox.sessions.sent(item.id, item.version);
      if (item.kind === 'drops') outbox.drops.sent(item.seal);
    }
  }
  let sessions = outbox.log.lastSeq;
  for (const held of outbox.sessions.due()) sessions = Math.min(sessions, held.dueSince - 1);
  outbox.log.advance({ events, sessions: Math.max(sessions, outbox.log.cursor.sessions) });
}

/** Events, session snapshots and drop counts still waiting for the Queue. */
export function pendingCount(outbox: Outbox): number {
  return outbox.log.unsentEventCount() + outbox.sessions.due().length + outbox.drops.pending();
}
