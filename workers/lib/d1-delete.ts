/**
 * Deleting many rows from D1 in chunks by rowid: one statement deleting a big site's rows could run
 * into D1's 30 s limit and hold the database meanwhile; chunks keep every statement short. A call
 * stopped by its cap leaves rows that still match, so the next run simply continues.
 */

/** Rows per DELETE statement unless a caller says otherwise. */
export const DELETE_CHUNK = 5_000;

export interface ChunkedDelete {
  /** from code or sqlite_master, never from a request */
  table: string;
  /** the rows to delete, with `?` placeholders for `params` (values are always bound) */
  where: string;
  params: unknown[];
  /** rows per statement */
  chunk?: number;
  /** most statements this call runs (a per-run cap); unlimited by default */
  maxChunks?: number;
}

/**
 * Deletes the matching rows, `chunk` at a time, until none are left or `maxChunks` statements ran;
 * returns how many rows went. Not for WITHOUT ROWID tables (they have no rowid to chunk by).
 *
 * @example
 *   await deleteInChunks(env.DB, { table: 'events', where: 'site_id = ? AND ts < ?', params: [site, cutoff], maxChunks: 40 });
 */
export async function deleteInChunks(db: D1Database, { table, where, params, chunk = DELETE_CHUNK, maxChunks = Infinity }: ChunkedDelete): Promise<number> {
  if (!Number.isInteger(chunk) || chunk < 1) throw new Error(`deleteInChunks: chunk must be a positive integer, not ${chunk}`);
  const quoted = `"${table.replaceAll('"', '""')}"`;
  const sql = `DELETE FROM ${quoted} WHERE rowid IN (SELECT rowid FROM ${quoted} WHERE ${where} LIMIT ${chunk})`;
  let total = 0;
  for (let i = 0; i < maxChunks; i++) {
    const { meta } = await db.prepare(sql).bind(...params).run();
    total += meta.changes;
    if (meta.changes < chunk) break;
  }
  return total;
}
