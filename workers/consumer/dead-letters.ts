import type { Env } from '../env';

/**
 * The DLQ consumer: whatever the events consumer gave up on is kept in D1's `dead_letters`, whole,
 * so it can be inspected and replayed; nothing vanishes silently. Keyed by message id, so a
 * redelivered dead letter is recorded once.
 */
export async function recordDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const now = Date.now();
  const rows = batch.messages.map((m) => ({
    id: m.id,
    queue: batch.queue,
    siteId: typeof m.body === 'object' && m.body && 'site' in m.body ? String((m.body as { site: unknown }).site) : null,
    attempts: m.attempts,
    body: JSON.stringify(m.body),
    receivedAt: now,
  }));
  // One row per statement: a dead letter can be up to 128 KB, and a statement is capped at 100 KB.
  await env.DB.batch(
    rows.map((r) =>
      env.DB.prepare('INSERT OR IGNORE INTO dead_letters (id, queue, site_id, attempts, body, received_at) VALUES (?, ?, ?, ?, ?, ?)').bind(
        r.id, r.queue, r.siteId, r.attempts, r.body, r.receivedAt,
      ),
    ),
  );
  batch.ackAll();
}
