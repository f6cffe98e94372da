import type { Env } from '../env';
import type { QueueMessageBody } from '../../contract/events';
import { archiveEvents } from './archive-r2';
import { archivedElsewhereStatement, writeStatements } from './write-d1';
import { recordDeadLetters } from './dead-letters';
import { guardStatement, readGuard } from './tombstones';
import { dataBindings, forgetSitePlacement, placementTargets, primaryPlacementCheck, PRIMARY, sitePlacement, type Placement } from '../lib/site-db';

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
 * object is named by the batch. An event an earlier message wrote to D1 is that message's to
 * archive (write-d1.ts, `archive_batch`): the outbox may resend a range with other bounds, and
 * its events would otherwise be in the archive twice, under two batch names.
 */
export async function writeMessage(env: Env, body: QueueMessageBody, now: number, sentAt = Date.now()): Promise<void> {
  let placement = await sitePlacement(env, body.site);
  // A placement cached before the directory changed (a delete and re-create elsewhere, a move's
  // switch) fails the primary's check or finds no live site: asked again once, fresh.
  const changed = async () => {
    forgetSitePlacement(body.site);
    const fresh = await sitePlacement(env, body.site);
    const differs = fresh.binding !== placement.binding || fresh.movingTo !== placement.movingTo;
    placement = fresh;
    return differs;
  };
  let results: D1Result[] | null;
  for (let retried = false; ; retried = true) {
    try {
      results = await writeWhereItLives(env, placement, body, now, sentAt);
    } catch (err) {
      if (retried || !(await changed())) throw err;
      continue;
    }
    if (!retried && results && !readGuard(results[0] as D1Result<{ alive: number; erased: string }>).alive && (await changed())) continue;
    break;
  }
  if (!results) return;
  const guard = readGuard(results[0] as D1Result<{ alive: number; erased: string }>);
  if (!guard.alive) return void console.warn('dropped a message of a deleted or re-created site', body.site, body.batchId);
  const theirs = new Set(body.events.length ? (JSON.parse((results.at(-1) as D1Result<{ ids: string }>).results[0]?.ids ?? '[]') as string[]) : []);
  const events = body.events.filter((e) => !(e.identified && guard.erased.has(e.visitorId)) && !theirs.has(e.id));
  if (events.length) await archiveEvents(env.ARCHIVE, body.site, body.batchId, events);
}

/**
 * The message's writes to the site's database; during a move to the target too (workers/site-move/),
 * home first: the home's answers decide the archive, the target's write is the same idempotent batch.
 */
async function writeWhereItLives(env: Env, placement: Placement, body: QueueMessageBody, now: number, sentAt: number): Promise<D1Result[] | null> {
  const [home, ...also] = placementTargets(env, placement);
  const checked = dataBindings(env).length > 1;
  const results = await writeBatch(home!.db, body, now, sentAt, checked && home!.binding === PRIMARY);
  for (const target of also) await writeBatch(target.db, body, now, sentAt, checked && target.binding === PRIMARY);
  return results;
}

/** One message's writes to one database in one transaction: the guard, the rows, the archive check. */
async function writeBatch(db: D1Database, body: QueueMessageBody, now: number, sentAt: number, checkPlacement: boolean): Promise<D1Result[] | null> {
  const statements = writeStatements(db, body, now, { sentAt });
  if (!statements.length) return null;
  const elsewhere = body.events.length ? [archivedElsewhereStatement(db, body)] : [];
  const check = checkPlacement ? [primaryPlacementCheck(db, body.site)] : [];
  return (await db.batch([...check, guardStatement(db, body.site, sentAt), ...statements, ...elsewhere])).slice(check.length);
}
