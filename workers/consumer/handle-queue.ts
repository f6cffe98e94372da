import type { Env } from '../env';
import type { QueueMessageBody } from '../../contract/events';
import { archiveEvents } from './archive-r2';
import { writeStatements } from './write-d1';
import { recordDeadLetters } from './dead-letters';
import { guardStatement, readGuard } from './tombstones';

export const EVENTS_QUEUE = 'pulse-events';
export const EVENTS_DLQ = 'pulse-events-dlq';

/**
 * Queue consumer. Each message is written to D1 (one transaction) and archived to R2, then acked
 * on its own; a failing message is retried alone (and after max_retries lands in the DLQ) without
 * holding back the rest of the batch. Both writes are idempotent, so retries never double-count.
 */
export async function handleQueue(batch: MessageBatch<unknown>, env: Env, _ctx: ExecutionContext): Promise<void> {
  if (batch.queue === EVENTS_DLQ) return recordDeadLetters(batch, env);
  await Promise.all(
    batch.messages.map(async (message) => {
      try {
        await writeMessage(env, message.body as QueueMessageBody, Date.now(), message.timestamp.getTime());
        message.ack();
      } catch (err) {
        console.error('queue message failed; will retry', message.id, err instanceof Error ? err.message : err);
        message.retry({ delaySeconds: Math.min(60, 2 ** message.attempts) });
      }
    }),
  );
}

/**
 * Writes one message, as sent at `sentAt` (the Queue's timestamp; now, for a direct call):
 * nothing of a deleted site or an erased visitor (tombstones.ts), in D1 or in the archive. A
 * redelivery after an erasure rewrites its archive object without the visitor's lines, since the
 * object is named by the batch.
 */
export async function writeMessage(env: Env, body: QueueMessageBody, now: number, sentAt = Date.now()): Promise<void> {
  const statements = writeStatements(env.DB, body, now, { sentAt });
  if (!statements.length) return;
  const [guardResult] = await env.DB.batch([guardStatement(env.DB, body.site, sentAt), ...statements]);
  const guard = readGuard(guardResult as D1Result<{ alive: number; erased: string }>);
  if (!guard.alive) return void console.warn('dropped a message of a deleted or re-created site', body.site, body.batchId);
  const events = body.events.filter((e) => !(e.identified && guard.erased.has(e.visitorId)));
  if (events.length) await archiveEvents(env.ARCHIVE, body.site, body.batchId, events);
}
