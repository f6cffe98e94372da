import { archiveDayOf, archivePrefix } from '../../contract/archive';
import { deleteInChunks } from '../lib/d1-delete';
import { deleteObjects, listFoldersWhile } from '../lib/r2-delete';
import { utcDate } from '../lib/timezone';
import { meterD1, meterR2 } from '../lib/usage-meter';
import { retentionPruneStatements } from '../reports/retention/preagg';
import { pruneFunnels } from '../reports/funnels/preagg';
import { journeysPruneStatements } from '../reports/journeys/preagg-write';
import { QueryDb } from '../query/db';

/**
 * Retention (DESIGN §6): raw events and sessions older than a site's retention are deleted from
 * D1 and the archive; aggregates (rollups) are kept. Deletes run in bounded chunks so no single
 * statement reads or writes too much for D1, and a run that stops halfway is simply continued by
 * the next one.
 */
const CHUNK = 5_000;
const MAX_CHUNKS_PER_RUN = 40;
/**
 * Archive listing pages (1,000 keys each) per site per run: listing a big site's whole archive
 * could use up the invocation's subrequests and stop housekeeping for every later site. Only the
 * expired days are listed (`dt=` folders sort oldest first, and their listing stops at the first
 * day kept), so a run with nothing to delete costs one listing of day folders.
 */
const MAX_ARCHIVE_PAGES_PER_RUN = 5;

export interface RetentionResult {
  site: string;
  events: number;
  sessions: number;
  archiveObjects: number;
}

export async function applyRetention(db: D1Database, bucket: R2Bucket, site: string, retentionDays: number, now: number): Promise<RetentionResult> {
  [db, bucket] = [meterD1(db, 'retention'), meterR2(bucket, 'retention')]; // its own stage within the hourly cron
  const cutoff = now - retentionDays * 86_400_000;
  const limits = { chunk: CHUNK, maxChunks: MAX_CHUNKS_PER_RUN };
  const events = await deleteInChunks(db, { table: 'events', where: 'site_id = ? AND ts < ?', params: [site, cutoff], ...limits });
  // a session ends after it starts: the `start` bound keeps the delete on sessions_site_start
  const sessions = await deleteInChunks(db, { table: 'sessions', where: 'site_id = ? AND start < ? AND "end" < ?', params: [site, cutoff, cutoff], ...limits });
  // the retention report's pre-aggregates follow the sessions, once their delete has finished
  if (sessions < CHUNK * MAX_CHUNKS_PER_RUN) await pruneRetentionReport(db, site, cutoff, now);
  // the stored funnels' rows follow the events (workers/reports/funnels/preagg.ts), once their delete has finished
  if (events > 0 && events < CHUNK * MAX_CHUNKS_PER_RUN) await pruneFunnelRows(db, site, cutoff);
  const archiveObjects = await deleteArchiveBefore(bucket, site, utcDate(cutoff));
  return { site, events, sessions, archiveObjects };
}

/** In the site's zone (its data database keeps a mirror of the site row). */
async function pruneRetentionReport(db: D1Database, site: string, cutoff: number, now: number): Promise<void> {
  const row = await db.prepare('SELECT timezone FROM sites WHERE id = ?').bind(site).first<{ timezone: string }>();
  const tz = row?.timezone ?? 'UTC';
  const stmts = [...retentionPruneStatements(site, tz, cutoff, now), ...(await journeysPruneStatements(new QueryDb(db), site, tz, cutoff))];
  await db.batch(stmts.map((s) => db.prepare(s.sql).bind(...s.params)));
}

async function pruneFunnelRows(db: D1Database, site: string, cutoff: number): Promise<void> {
  const row = await db.prepare('SELECT timezone FROM sites WHERE id = ?').bind(site).first<{ timezone: string }>();
  await pruneFunnels(new QueryDb(db), site, row?.timezone ?? 'UTC', cutoff);
}

/**
 * Archive objects are partitioned by UTC day (`dt=`, both formats); a whole day is deleted once it
 * lies entirely before the cutoff's day, so the archive never keeps a day D1 has already forgotten
 * for long. Days are deleted by their prefix, never by listing the whole archive.
 */
async function deleteArchiveBefore(bucket: R2Bucket, site: string, cutoffDay: string): Promise<number> {
  // a folder not of the archive's form is never old (kept), and ends the listing
  const expired = await listFoldersWhile(bucket, archivePrefix(site), (folder) => (archiveDayOf(site, folder) ?? '9999') < cutoffDay, MAX_ARCHIVE_PAGES_PER_RUN);
  let deleted = 0;
  // the budget counts listing pages (1,000 objects each); what a run leaves, the next one deletes
  for (let i = 0, pages = MAX_ARCHIVE_PAGES_PER_RUN; i < expired.length && pages > 0; i++) {
    const gone = await deleteObjects(bucket, expired[i]!, () => true, pages);
    deleted += gone;
    pages -= Math.max(1, Math.ceil(gone / 1_000));
  }
  return deleted;
}
