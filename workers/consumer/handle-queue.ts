import type { Env } from '../env';
import type { QueueMessageBody } from '../../contract/events';
import { archiveEvents } from './archive-r2';
import { writeStatements } from './write-d1';
import { recordDeadLetters } from './dead-letters';

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
        await writeMessage(env, message.body as QueueMessageBody, Date.now());
        message.ack();
      } catch (err) {
        console.error('queue message failed; will retry', message.id, err instanceof Error ? err.message : err);
        message.retry({ delaySeconds: Math.min(60, 2 ** message.attempts) });
      }
    }),
  );
}

export async function writeMessage(env: Env, body: QueueMessageBody, now: number): Promise<void> {
  const statements = writeStatements(env.DB, body, now);
  if (statements.length) await env.DB.batch(statements);
  if (body.events.length) await archiveEvents(env.ARCHIVE, body.site, body.batchId, body.events);
}
