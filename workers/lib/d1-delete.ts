/**
 * Deleting many rows from D1 in chunks (by rowid, or by key): one statement deleting a big site's rows could run
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
 * What a chunk's rows are picked by: the rowid, or a WITHOUT ROWID table's primary key (events
 * and sessions since migration 0013), read from the schema once per isolate and table.
 */
const keys = new Map<string, string>();

async function rowKey(db: D1Database, table: string): Promise<string> {
  let key = keys.get(table);
  if (key === undefined) {
    const { results } = await db
      .prepare(
        `SELECT p.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name = ?1
           AND m.sql LIKE '%WITHOUT ROWID%' AND p.pk > 0 ORDER BY p.pk`,
      )
      .bind(table)
      .all<{ name: string }>();
    key = results.length ? `(${results.map((r) => `"${r.name.replaceAll('"', '""')}"`).join(', ')})` : 'rowid';
    keys.set(table, key);
  }
  return key;
}

/**
 * Deletes the matching rows, `chunk` at a time, until none are left or `maxChunks` statements ran;
 * returns how many rows went.
 *
 * @example
 *   await deleteInChunks(env.DB, { table: 'events', where: 'site_id = ? AND ts < ?', params: [site, cutoff], maxChunks: 40 });
 */
export async function deleteInChunks(db: D1Database, { table, where, params, chunk = DELETE_CHUNK, maxChunks = Infinity }: ChunkedDelete): Promise<number> {
  if (!Number.isInteger(chunk) || chunk < 1) throw new Error(`deleteInChunks: chunk must be a positive integer, not ${chunk}`);
  const quoted = `"${table.replaceAll('"', '""')}"`;
  const key = await rowKey(db, table);
  const sql = `DELETE FROM ${quoted} WHERE ${key} IN (SELECT ${key.replace(/^\((.*)\)$/, '$1')} FROM ${quoted} WHERE ${where} LIMIT ${chunk})`;
  let total = 0;
  for (let i = 0; i < maxChunks; i++) {
    const { meta } = await db.prepare(sql).bind(...params).run();
    total += meta.changes;
    if (meta.changes < chunk) break;
  }
  return total;
}
