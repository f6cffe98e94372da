/**
 * The raw archive for other engines (DuckDB, Spark, R2 SQL): Parquet, one object per consumer
 * call, site and UTC day (contract/archive.ts), so R2 Class A operations grow with consumer calls,
 * not with events or messages (a call takes up to 50 messages).
 *
 * Exactly once: an event is archived by the message that first wrote it to D1 (write-d1.ts,
 * `archive_batch`), and that message's events go to one object per day, named by the messages of
 * the call. The same messages delivered again overwrite the same objects. A message that comes
 * back in another company (a retry after one of its objects failed, a redelivery after the call
 * died between the put and the ack, the outbox resending a batch under the same id) is `resent`:
 * its day's objects are listed, and what an object already lists under `batches` (their
 * custom metadata) is not written again. That listing is the only Class A the rare path adds.
 */
import type { StoredEvent } from '../../contract/events';
import { archiveObjectKey, archiveDayPrefix } from '../../contract/archive';
import { encodeParquet } from '../lib/archive-format';
import { archiveBatchKey } from './write-d1';

/** One message's share of the archive, after D1 said which events are its own to archive. */
export interface MessageArchive {
  site: string;
  batchId: string;
  events: StoredEvent[];
  /** D1 already held some of its own events: an earlier delivery may have archived them */
  resent: boolean;
}

interface Group {
  site: string;
  day: string;
  /** batch key (base 36) → the message's events of this day */
  messages: Map<string, { batchId: string; resent: boolean; events: Map<string, StoredEvent> }>;
}

const utcDay = (ts: number) => new Date(ts).toISOString().slice(0, 10);

function groupBySiteAndDay(items: MessageArchive[]): Group[] {
  const groups = new Map<string, Group>();
  for (const item of items) {
    const batch = archiveBatchKey(item.batchId).toString(36);
    for (const event of item.events) {
      const day = utcDay(event.ts);
      const id = `${item.site}\n${day}`;
      let group = groups.get(id);
      if (!group) groups.set(id, (group = { site: item.site, day, messages: new Map() }));
      let message = group.messages.get(batch);
      if (!message) group.messages.set(batch, (message = { batchId: item.batchId, resent: false, events: new Map() }));
      // the same batch twice in one call (the outbox resent it): one copy, by event id
      message.resent ||= item.resent;
      message.events.set(event.id, event);
    }
  }
  return [...groups.values()];
}

/** A name that is a pure function of the group's messages (SHA-256 of their batch ids, 64 bits). */
async function groupName(group: Group): Promise<string> {
  const ids = [...group.messages.values()].map((m) => m.batchId).sort().join('\n');
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(ids)));
  return [...digest.slice(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Batch keys already archived in the day's other objects than `own` (each lists its `batches`). */
async function archivedElsewhere(bucket: R2Bucket, group: Group, own: string): Promise<Set<string>> {
  const found = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix: archiveDayPrefix(group.site, group.day), cursor, include: ['customMetadata'] });
    for (const object of page.objects) {
      if (object.key === own) continue;
      for (const batch of (object.customMetadata?.batches ?? '').split(',')) if (batch) found.add(batch);
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return found;
}

async function writeGroup(bucket: R2Bucket, group: Group): Promise<string | null> {
  const key = archiveObjectKey(group.site, group.day, await groupName(group));
  if ([...group.messages.values()].some((m) => m.resent)) {
    const elsewhere = await archivedElsewhere(bucket, group, key);
    for (const [batch, message] of group.messages) if (message.resent && elsewhere.has(batch)) group.messages.delete(batch);
  }
  const events = [...group.messages.values()].flatMap((m) => [...m.events.values()]).sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : 1));
  if (!events.length) return null;
  await bucket.put(key, encodeParquet(events), {
    httpMetadata: { contentType: 'application/vnd.apache.parquet' },
    customMetadata: { events: String(events.length), batches: [...group.messages.keys()].join(',') },
  });
  return key;
}

/**
 * Archives the messages' events, one object per site and day; returns the batch ids whose
 * archive failed (to be retried: every object of theirs that was written says so in `batches`).
 */
export async function archiveMessages(bucket: R2Bucket, items: MessageArchive[]): Promise<Set<string>> {
  const failed = new Set<string>();
  await Promise.all(
    groupBySiteAndDay(items).map(async (group) => {
      try {
        await writeGroup(bucket, group);
      } catch (err) {
        console.error('archive put failed; its messages will retry', group.site, group.day, err instanceof Error ? err.message : err);
        for (const message of group.messages.values()) failed.add(message.batchId);
      }
    }),
  );
  return failed;
}
