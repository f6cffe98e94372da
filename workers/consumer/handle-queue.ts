import type { Env } from '../env';
import type { QueueMessageBody } from '../../contract/events';
import { archiveMessages, type MessageArchive } from './archive-r2';
import { archivedElsewhereStatement, writeStatements } from './write-d1';
import { recordDeadLetters } from './dead-letters';
import { fanOutEvents } from '../automation/webhooks/fan-out';
import { guardStatement, readGuard } from './tombstones';
import { dataBindings, forgetSitePlacement, placementTargets, primaryPlacementCheck, PRIMARY, sitePlacement, type Placement } from '../lib/site-db';

export const EVENTS_QUEUE = 'pulse-events';
export const EVENTS_DLQ = 'pulse-events-dlq';

/**
 * Queue consumer. Each message is written to D1 (one transaction of its own); then the call's
 * messages are archived to R2 together, one object per site and day (archive-r2.ts). A message is
 * acked once both are done; a failing one is retried alone (and after max_retries lands in the
 * DLQ) without holding back the rest. Both writes are idempotent, so retries never double-count.
 */
export async function handleQueue(batch: MessageBatch<unknown>, env: Env, _ctx: ExecutionContext): Promise<void> {
  if (batch.queue === EVENTS_DLQ) return recordDeadLetters(batch, env);
  const retry = (message: Message<unknown>, err: unknown) => {
    console.error('queue message failed; will retry', message.id, err instanceof Error ? err.message : err);
    message.retry({ delaySeconds: Math.min(60, 2 ** message.attempts) });
  };
  const written = await Promise.all(
    batch.messages.map(async (message) => {
      try {
        return { message, archive: await writeMessageToD1(env, message.body as QueueMessageBody, Date.now(), message.timestamp.getTime()) };
      } catch (err) {
        retry(message, err);
        return null;
      }
    }),
  );
  const done = written.filter((w) => w !== null);
  const failed = await archiveMessages(env.ARCHIVE, done.flatMap((w) => (w.archive ? [w.archive] : [])));
  const stored = done.filter(({ message, archive }) => {
    if (archive && failed.has(archive.batchId)) retry(message, new Error('archive failed'));
    return !(archive && failed.has(archive.batchId));
  });
  // Webhooks see an event once it is in D1 (workers/automation/webhooks/fan-out.ts). Should the
  // Queue refuse the deliveries, the messages are retried: their writes are idempotent, and a
  // resent delivery keeps its id, which receivers deduplicate by.
  try {
    await fanOutEvents(env, stored.flatMap((w) => (w.archive ? [w.archive] : [])));
  } catch (err) {
    for (const { message } of stored) retry(message, err);
    return;
  }
  for (const { message } of stored) message.ack();
}

/** Writes one message to D1 and the archive on its own (a direct call: tests, fixtures). */
export async function writeMessage(env: Env, body: QueueMessageBody, now: number, sentAt = Date.now()): Promise<void> {
  const archive = await writeMessageToD1(env, body, now, sentAt);
  if (archive && (await archiveMessages(env.ARCHIVE, [archive])).size) throw new Error(`archive of ${body.batchId} failed`);
}

/**
 * Writes one message to D1, as sent at `sentAt` (the Queue's timestamp; now, for a direct call),
 * and returns what of it is this message's to archive: nothing of a deleted site or an erased
 * visitor (tombstones.ts), in D1 or in the archive. A redelivery after an erasure rewrites its
 * archive object without the visitor's lines, since the object is named by its messages. An event
 * an earlier message wrote to D1 is that message's to archive (write-d1.ts, `archive_batch`): the
 * outbox may resend a range with other bounds, and its events would otherwise be in the archive
 * twice, under two names.
 */
export async function writeMessageToD1(env: Env, body: QueueMessageBody, now: number, sentAt: number): Promise<MessageArchive | null> {
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
  if (!results) return null;
  const guard = readGuard(results[0] as D1Result<{ alive: number; erased: string }>);
  if (!guard.alive) {
    console.warn('dropped a message of a deleted or re-created site', body.site, body.batchId);
    return null;
  }
  if (!body.events.length) return null;
  const theirs = new Set(JSON.parse((results.at(-1) as D1Result<{ ids: string }>).results[0]?.ids ?? '[]') as string[]);
  const ours = body.events.filter((e) => !theirs.has(e.id));
  const events = ours.filter((e) => !(e.identified && guard.erased.has(e.visitorId)));
  // the events statement comes first (write-d1.ts): fewer rows inserted than events of ours means
  // an earlier delivery wrote them, and may have archived them in another call's object
  const inserted = results[1]?.meta.changes ?? 0;
  return events.length ? { site: body.site, batchId: body.batchId, events, resent: inserted < ours.length } : null;
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
