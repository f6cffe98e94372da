/**
 * The archive of a deleted site, deleted a bounded number of listings at a time: the delete
 * request does the first steps, the hourly cron the rest, so no request or run can be stopped by
 * its subrequest limit halfway with nothing left to say what is still to delete (the `sites` row
 * is gone by then). Progress lives in `deleted_sites`; the row goes when the listing is through.
 */
import { archivePrefix } from '../../contract/archive';
import type { DeletedSiteRow } from '../db/rows';

/** Keys per listing (R2's maximum, and the most one delete() call takes). */
const PAGE = 1_000;

type Cleanup = Pick<DeletedSiteRow, 'id' | 'deleted_at' | 'cursor'>;

/**
 * Deletes up to `pages` listings of the site's archive after the row's cursor; returns how many
 * objects went and whether the archive is done. Objects uploaded after the delete belong to a
 * site created again under the same domain, and stay.
 */
export async function stepArchiveCleanup(db: D1Database, bucket: R2Bucket, row: Cleanup, pages: number, pageSize = PAGE): Promise<{ deleted: number; done: boolean }> {
  let cursor = row.cursor ?? undefined;
  let deleted = 0;
  for (let i = 0; i < pages; i++) {
    const page = await bucket.list({ prefix: archivePrefix(row.id), startAfter: cursor, limit: pageSize });
    const old = page.objects.filter((o) => o.uploaded.getTime() <= row.deleted_at).map((o) => o.key);
    if (old.length) await bucket.delete(old);
    deleted += old.length;
    cursor = page.objects.at(-1)?.key ?? cursor;
    if (!page.truncated) {
      await db.prepare('DELETE FROM deleted_sites WHERE id = ? AND deleted_at = ?').bind(row.id, row.deleted_at).run();
      return { deleted, done: true };
    }
  }
  await db
    .prepare('UPDATE deleted_sites SET cursor = ?, objects_deleted = objects_deleted + ? WHERE id = ? AND deleted_at = ?')
    .bind(cursor ?? null, deleted, row.id, row.deleted_at)
    .run();
  return { deleted, done: false };
}

/** Starts the cleanup of a site just deleted (its D1 rows gone), running its first `pages` listings. */
export async function startArchiveCleanup(db: D1Database, bucket: R2Bucket, site: string, now: number, pages: number) {
  await db.prepare('INSERT OR REPLACE INTO deleted_sites (id, deleted_at, cursor, objects_deleted) VALUES (?, ?, NULL, 0)').bind(site, now).run();
  return stepArchiveCleanup(db, bucket, { id: site, deleted_at: now, cursor: null }, pages);
}
