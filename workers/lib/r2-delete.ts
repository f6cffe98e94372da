/**
 * Deleting many R2 objects: list a prefix a page at a time and delete what matches, page by page,
 * so memory stays flat however large the prefix is; and finding which "folders" (`dt=…/`) a
 * prefix has without listing the objects inside them.
 */

/** R2's list() returns at most 1,000 keys a page, and delete() accepts at most 1,000 keys a call. */
const R2_BATCH = 1_000;

/**
 * Deletes the objects under `prefix` whose key `matches` (all of them by default); returns how
 * many went. `maxPages` caps the listing (each page is a subrequest, and one invocation has a
 * limited number of them): a call stopped by it leaves the rest for the next call.
 *
 * @example
 *   await deleteObjects(env.ARCHIVE, archivePrefix(site), (key) => (archiveDayOf(site, key) ?? '9999') < cutoffDay);
 */
export async function deleteObjects(bucket: R2Bucket, prefix: string, matches: (key: string) => boolean = () => true, maxPages = Infinity): Promise<number> {
  let deleted = 0;
  let cursor: string | undefined;
  let pages = 0;
  do {
    if (pages++ >= maxPages) break;
    const page = await bucket.list({ prefix, cursor, limit: R2_BATCH });
    const keys = page.objects.map((o) => o.key).filter(matches);
    for (let i = 0; i < keys.length; i += R2_BATCH) await bucket.delete(keys.slice(i, i + R2_BATCH));
    deleted += keys.length;
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return deleted;
}

/**
 * The folders right under `prefix` (R2's delimited prefixes, in key order) while `wanted` says
 * yes: listing stops at the first folder it refuses, so a caller after the oldest days lists only
 * those, whatever the objects inside number. `maxPages` caps the listing as in deleteObjects.
 */
export async function listFoldersWhile(bucket: R2Bucket, prefix: string, wanted: (folder: string) => boolean, maxPages = Infinity, pageSize = 100): Promise<string[]> {
  const folders: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < maxPages; pages++) {
    const page = await bucket.list({ prefix, delimiter: '/', cursor, limit: pageSize });
    for (const folder of page.delimitedPrefixes) {
      if (!wanted(folder)) return folders;
      folders.push(folder);
    }
    if (!page.truncated) break;
    cursor = page.cursor;
  }
  return folders;
}
