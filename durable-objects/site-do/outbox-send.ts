import { buildMessage, markSent, MESSAGE_OVERHEAD_BYTES, readPending, toSendBatches, type Outbox, type OutboxItem, type OutboxMessage } from './outbox';
import type { QueueMessageBody } from '../../contract/events';

/**
 * Hands the outbox to the Queue without ever wedging on one row (issue 13). Packing measures
 * bytes, so a refusal for size should not happen; if the Queue refuses anyway, the batch is split
 * in halves, then the message, down to single rows. The Queue's errors do not reliably say why
 * (workerd answers an oversized message with "Unknown Internal Error (15000)"), so any refusal
 * splits; only a single row decides: one the Queue refused for its size, or that is over the
 * limit as measured, is moved to `outbox_dead`, counted and never retried, and any other refusal
 * of it (the Queue down or overloaded) keeps everything for the alarm's retry. An outage so costs
 * ~15 sends per retry (the halving's depth), and at most MAX_SENDS_PER_FLUSH.
 */

/** The Queue's hard per-message limit, in bytes, metadata included. */
export const QUEUE_MESSAGE_LIMIT = 128_000;
/** Bounds the splitting: isolating one bad row among 100 messages of 1,000 rows takes ~40 sends. */
const MAX_SENDS_PER_FLUSH = 64;
/**
 * Dead rows kept whole for inspection; past this the oldest give way (each is over 128 KB, far
 * past what the collector admits, so only a bug gets here). `meta.dead_lettered` counts them all.
 */
const MAX_DEAD_ROWS = 1_000;

/** The Queue binding, or in tests the real one behind stricter limits. */
type Sender = { sendBatch(messages: MessageSendRequest<QueueMessageBody>[]): Promise<unknown> };

interface Flush {
  sql: SqlStorage;
  outbox: Outbox;
  queue: Sender;
  site: string;
  objectName: string;
  now: number;
  sends: number;
  dead: number;
}

class SendBudgetSpent extends Error {}

/** Sends what is waiting; returns how many rows were dead-lettered on the way. */
export async function sendOutbox(outbox: Outbox, queue: Sender, site: string, objectName: string, now = Date.now()): Promise<number> {
  const flush: Flush = { sql: outbox.sql, outbox, queue, site, objectName, now, sends: 0, dead: 0 };
  try {
    const pending = readPending(outbox, site, objectName);
    for (const batch of toSendBatches(pending.messages)) await deliver(flush, batch);
    markSent(outbox, [], pending.eventsThrough);
  } catch (err) {
    // What was sent is forgotten already; the rest waits for the next alarm, a second away.
    if (!(err instanceof SendBudgetSpent)) throw err;
  }
  return flush.dead;
}

async function deliver(flush: Flush, batch: OutboxMessage[]): Promise<void> {
  const refusal = measuredTooLarge(batch) ? { tooLarge: true, reason: 'measured over the limit' } : await trySend(flush, batch);
  if (refusal === null) return;
  if (batch.length > 1) {
    const half = Math.ceil(batch.length / 2);
    await deliver(flush, batch.slice(0, half));
    return deliver(flush, batch.slice(half));
  }
  const { items } = batch[0]!;
  if (items.length > 1) {
    const half = Math.ceil(items.length / 2);
    await deliver(flush, [buildMessage(items.slice(0, half), flush.site, flush.objectName)]);
    return deliver(flush, [buildMessage(items.slice(half), flush.site, flush.objectName)]);
  }
  if (!refusal.tooLarge) throw refusal.error;
  deadLetter(flush, items[0]!, refusal.reason);
}

/** A single message the Queue is certain to refuse is not even tried. */
function measuredTooLarge(batch: OutboxMessage[]): boolean {
  return batch.some((m) => m.bytes + MESSAGE_OVERHEAD_BYTES > QUEUE_MESSAGE_LIMIT);
}

interface Refusal {
  tooLarge: boolean;
  reason: string;
  error?: unknown;
}

/** null when the Queue took the batch (and the outbox forgot it), else why it did not. */
async function trySend(flush: Flush, batch: OutboxMessage[]): Promise<Refusal | null> {
  if (flush.sends++ >= MAX_SENDS_PER_FLUSH) throw new SendBudgetSpent();
  try {
    await flush.queue.sendBatch(batch.map((m) => ({ body: m.body, contentType: 'json' as const })));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // Miniflare's and production's wording when they do say it: "message length of … bytes
    // exceeds limit of 128000", "batch size of … bytes exceeds limit of 256000 bytes".
    return { tooLarge: /exceed|too large|too big/i.test(reason), reason, error };
  }
  // Forget each accepted batch at once: a failure in a later batch must not resend this one.
  markSent(flush.outbox, batch);
  return null;
}

function deadLetter(flush: Flush, item: OutboxItem, reason: string): void {
  const { sql } = flush;
  sql.exec('INSERT INTO outbox_dead (kind, bytes, reason, at, body) VALUES (?, ?, ?, ?, ?)', item.kind, item.bytes, reason.slice(0, 500), flush.now, item.body);
  markSent(flush.outbox, [{ items: [item] }]);
  sql.exec("INSERT INTO meta (key, value) VALUES ('dead_lettered', 1) ON CONFLICT (key) DO UPDATE SET value = value + 1");
  sql.exec('DELETE FROM outbox_dead WHERE id <= (SELECT max(id) FROM outbox_dead) - ?', MAX_DEAD_ROWS);
  flush.dead += 1;
  console.error('outbox row the Queue cannot take moved to outbox_dead', { site: flush.site, kind: item.kind, bytes: item.bytes, reason });
}

/** Every row ever moved out of the outbox for being too large (kept rows are the newest of them). */
export function deadLetterCount(sql: SqlStorage): number {
  const row = sql.exec<{ n: number }>("SELECT CAST(value AS INTEGER) AS n FROM meta WHERE key = 'dead_lettered'").toArray()[0];
  return row?.n ?? 0;
}
