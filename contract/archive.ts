/**
 * The R2 raw archive's object names (DESIGN §1): gzipped NDJSON under
 * `raw/v1/site=<id>/dt=<YYYY-MM-DD>/hr=<HH>/<batch id>.ndjson.gz`, by event time (UTC). The site
 * id is URI-encoded so that no site's prefix is another's (`a.com` vs `a.com/x`), and the key is a
 * pure function of the batch, so a redelivered message overwrites its own objects. The consumer
 * writes these keys; retention, erase and site delete list them.
 */

/** Every archive object of a site starts with this. */
export function archivePrefix(site: string): string {
  return `raw/v1/site=${encodeURIComponent(site)}/`;
}

/** The object holding a batch's events of the UTC hour of `ts`. */
export function archiveKey(site: string, ts: number, batchId: string): string {
  const iso = new Date(ts).toISOString();
  return `${archivePrefix(site)}dt=${iso.slice(0, 10)}/hr=${iso.slice(11, 13)}/${batchId}.ndjson.gz`;
}

/** The UTC day (`YYYY-MM-DD`) of one of the site's archive keys; null for a key not of that form. */
export function archiveDayOf(site: string, key: string): string | null {
  const prefix = archivePrefix(site);
  if (!key.startsWith(prefix)) return null;
  return /^dt=(\d{4}-\d{2}-\d{2})\//.exec(key.slice(prefix.length))?.[1] ?? null;
}
