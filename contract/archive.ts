/**
 * The R2 raw archive's object names (DESIGN §1, §8b), Hive-partitioned so DuckDB, Spark and R2 SQL
 * read `site` and `dt` as columns:
 *
 *   raw/v1/site=<id>/dt=<YYYY-MM-DD>/<group>.parquet        written today (archive-columns.ts)
 *   raw/v1/site=<id>/dt=<YYYY-MM-DD>/hr=<HH>/<batch>.ndjson.gz   written before Parquet, still read
 *
 * by event time (UTC). The site id is URI-encoded so that no site's prefix is another's (`a.com`
 * vs `a.com/x`). A Parquet object holds the events of one consumer call's messages of one site
 * and day, named by those messages, so a redelivery of the same messages overwrites its own
 * object. The consumer writes these keys; retention deletes whole days by `archiveDayPrefix`;
 * erase and site delete list the site's prefix.
 */

/** Every archive object of a site starts with this. */
export function archivePrefix(site: string): string {
  return `raw/v1/site=${encodeURIComponent(site)}/`;
}

/** Every archive object of a site's UTC day (`YYYY-MM-DD`) starts with this, in both formats. */
export function archiveDayPrefix(site: string, day: string): string {
  return `${archivePrefix(site)}dt=${day}/`;
}

/** The Parquet object of a group of messages (`group`: a name that is a pure function of them). */
export function archiveObjectKey(site: string, day: string, group: string): string {
  return `${archiveDayPrefix(site, day)}${group}.parquet`;
}

/** The NDJSON object a batch wrote for the UTC hour of `ts`, before the archive was Parquet. */
export function legacyArchiveKey(site: string, ts: number, batchId: string): string {
  const iso = new Date(ts).toISOString();
  return `${archiveDayPrefix(site, iso.slice(0, 10))}hr=${iso.slice(11, 13)}/${batchId}.ndjson.gz`;
}

/** Which of the two formats an archive key holds; null for a key the archive did not write. */
export function archiveFormatOf(key: string): 'parquet' | 'ndjson' | null {
  if (key.endsWith('.parquet')) return 'parquet';
  if (key.endsWith('.ndjson.gz')) return 'ndjson';
  return null;
}

/** The UTC day (`YYYY-MM-DD`) of one of the site's archive keys; null for a key not of that form. */
export function archiveDayOf(site: string, key: string): string | null {
  const prefix = archivePrefix(site);
  if (!key.startsWith(prefix)) return null;
  return /^dt=(\d{4}-\d{2}-\d{2})\//.exec(key.slice(prefix.length))?.[1] ?? null;
}
