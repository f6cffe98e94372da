import { archiveDayOf, archivePrefix } from '../../contract/archive';
import { utcDate } from '../lib/timezone';

/**
 * Retention (DESIGN §6): raw events and sessions older than a site's retention are deleted from
 * D1 and the archive; aggregates (rollups) are kept. Deletes run in bounded chunks so no single
 * statement reads or writes too much for D1, and a run that stops halfway is simply continued by
 * the next one.
 */
const CHUNK = 5_000;
const MAX_CHUNKS_PER_RUN = 40;

export interface RetentionResult {
  site: string;
  events: number;
  sessions: number;
  archiveObjects: number;
}

export async function applyRetention(db: D1Database, bucket: R2Bucket, site: string, retentionDays: number, now: number): Promise<RetentionResult> {
  const cutoff = now - retentionDays * 86_400_000;
  const events = await deleteInChunks(db, 'DELETE FROM events WHERE rowid IN (SELECT rowid FROM events WHERE site_id = ? AND ts < ? LIMIT ?)', site, cutoff);
  const sessions = await deleteInChunks(db, 'DELETE FROM sessions WHERE rowid IN (SELECT rowid FROM sessions WHERE site_id = ? AND "end" < ? LIMIT ?)', site, cutoff);
  const archiveObjects = await deleteArchiveBefore(bucket, site, utcDate(cutoff));
  return { site, events, sessions, archiveObjects };
}

async function deleteInChunks(db: D1Database, sql: string, site: string, cutoff: number): Promise<number> {
  let total = 0;
  for (let i = 0; i < MAX_CHUNKS_PER_RUN; i++) {
    const { meta } = await db.prepare(sql).bind(site, cutoff, CHUNK).run();
    total += meta.changes;
    if (meta.changes < CHUNK) break;
  }
  return total;
}

/**
 * Archive objects are partitioned by UTC day (`dt=`); a whole day is deleted once it lies entirely
 * before the cutoff's day, so the archive never keeps a day D1 has already forgotten for long.
 */
async function deleteArchiveBefore(bucket: R2Bucket, site: string, cutoffDay: string): Promise<number> {
  const prefix = archivePrefix(site);
  let deleted = 0;
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, cursor, limit: 1000 });
    const old = page.objects.map((o) => o.key).filter((key) => (archiveDayOf(site, key) ?? '9999') < cutoffDay);
    if (old.length) await bucket.delete(old);
    deleted += old.length;
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return deleted;
}
