/**
 * One bounded chunk of a move: the next `limit` rows of one site in one table, in key order,
 * read from the source, and the same key range of the target made equal to them — rows missing
 * or different are written (sessions only by a newer version, as the consumer writes them), rows
 * the source does not have are deleted — then both read again and compared, until they match.
 *
 * Writers keep writing both databases during a move (home first, workers/consumer), so a range
 * can differ for a moment (a message between the two reads); the re-read sees it settle. A range
 * that will not settle fails the step, and the next step tries the same chunk again.
 */
import { quote, type TableShape } from './tables';

/** A row as read: its values in column order (compact JSON for `json_each`). */
type Row = unknown[];

export interface ChunkResult {
  /** source rows in the chunk (after it settled) */
  rows: number;
  /** sum of the rows' hashes, mod 2^32: the same in both databases once the chunk matched */
  checksum: number;
  /** rows written or deleted in the target to make it equal */
  repaired: number;
  /** the key of the chunk's last row, or null when the table is done */
  next: unknown[] | null;
  /** what D1 billed for the chunk, both databases together */
  rowsRead: number;
  rowsWritten: number;
}

/** D1's billed rows of the statements a chunk ran. */
interface Meter {
  rowsRead: number;
  rowsWritten: number;
}

const count = (meter: Meter, meta: { rows_read?: number; rows_written?: number }) => {
  meter.rowsRead += meta.rows_read ?? 0;
  meter.rowsWritten += meta.rows_written ?? 0;
};

/** Bound JSON per write statement: D1 statements stay below 100 KB. */
const MAX_JSON_BYTES = 90_000;
const ATTEMPTS = 3;

const keyList = (t: TableShape) => t.key.map(quote).join(', ');
const keyTuple = (t: TableShape, from: number) => `(${t.key.map((_, i) => `?${from + i}`).join(', ')})`;

async function readRange(db: D1Database, t: TableShape, site: string, after: unknown[] | null, upTo: unknown[] | null, limit: number, meter: Meter): Promise<Row[]> {
  const params: unknown[] = [site];
  let where = 'site_id = ?1';
  if (after) {
    where += ` AND (${keyList(t)}) > ${keyTuple(t, params.length + 1)}`;
    params.push(...after);
  }
  if (upTo) {
    where += ` AND (${keyList(t)}) <= ${keyTuple(t, params.length + 1)}`;
    params.push(...upTo);
  }
  const sql = `SELECT ${t.columns.map(quote).join(', ')} FROM ${quote(t.name)} WHERE ${where} ORDER BY ${keyList(t)} LIMIT ${limit}`;
  const { results, meta } = await db.prepare(sql).bind(...params).all<Record<string, unknown>>();
  count(meter, meta);
  return results.map((r) => t.columns.map((c) => r[c]));
}

const keyOf = (t: TableShape, row: Row): unknown[] => t.key.map((k) => row[t.columns.indexOf(k)]);

/** FNV-1a over the row's JSON: a checksum both databases compute the same way. */
function rowHash(row: Row): number {
  const text = JSON.stringify(row);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function upsertSql(t: TableShape): string {
  const cols = t.columns.map(quote).join(', ');
  const values = t.columns.map((_, i) => `json_extract(value, '$[${i}]')`).join(', ');
  if (!t.versioned) return `INSERT OR REPLACE INTO ${quote(t.name)} (${cols}) SELECT ${values} FROM json_each(?1)`;
  const set = t.columns.filter((c) => !t.key.includes(c)).map((c) => `${quote(c)} = excluded.${quote(c)}`).join(', ');
  // `WHERE true`: SQLite needs a WHERE before ON CONFLICT in an INSERT … SELECT
  return `INSERT INTO ${quote(t.name)} (${cols}) SELECT ${values} FROM json_each(?1) WHERE true
    ON CONFLICT (${keyList(t)}) DO UPDATE SET ${set} WHERE excluded."version" > ${quote(t.name)}."version"`;
}

function deleteSql(t: TableShape): string {
  const keys = t.key.map((_, i) => `json_extract(value, '$[${i}]')`).join(', ');
  return `DELETE FROM ${quote(t.name)} WHERE site_id = ?2 AND (${keyList(t)}) IN (SELECT ${keys} FROM json_each(?1))`;
}

/** JSON arrays of at most MAX_JSON_BYTES each (a row bigger than that goes alone). */
function pieces(items: unknown[]): string[] {
  const out: string[] = [];
  let part: string[] = [];
  let bytes = 2;
  for (const item of items) {
    const text = JSON.stringify(item);
    if (part.length && bytes + text.length + 1 > MAX_JSON_BYTES) {
      out.push(`[${part.join(',')}]`);
      part = [];
      bytes = 2;
    }
    part.push(text);
    bytes += text.length + 1;
  }
  if (part.length) out.push(`[${part.join(',')}]`);
  return out;
}

/** Writes `source` over the target's rows of the same range; returns how many rows it changed. */
async function repair(target: D1Database, t: TableShape, site: string, source: Row[], current: Row[], meter: Meter): Promise<number> {
  const have = new Map(current.map((r) => [JSON.stringify(keyOf(t, r)), JSON.stringify(r)]));
  const want = new Set(source.map((r) => JSON.stringify(keyOf(t, r))));
  const write = source.filter((r) => have.get(JSON.stringify(keyOf(t, r))) !== JSON.stringify(r));
  const extra = current.filter((r) => !want.has(JSON.stringify(keyOf(t, r)))).map((r) => keyOf(t, r));
  const statements = [
    ...pieces(write).map((json) => target.prepare(upsertSql(t)).bind(json)),
    ...pieces(extra).map((json) => target.prepare(deleteSql(t)).bind(json, site)),
  ];
  if (statements.length) for (const r of await target.batch(statements)) count(meter, r.meta);
  return write.length + extra.length;
}

const same = (a: Row[], b: Row[]) => a.length === b.length && a.every((row, i) => JSON.stringify(row) === JSON.stringify(b[i]));

/** Makes the target's next chunk of `table` equal to the source's; see the file's comment. */
export async function syncChunk(source: D1Database, target: D1Database, t: TableShape, site: string, after: unknown[] | null, limit: number): Promise<ChunkResult> {
  let repaired = 0;
  const meter: Meter = { rowsRead: 0, rowsWritten: 0 };
  for (let attempt = 1; ; attempt++) {
    const rows = await readRange(source, t, site, after, null, limit, meter);
    const last = rows.length === limit ? keyOf(t, rows.at(-1)!) : null;
    // the table's last chunk reaches to its end in the target: leftovers past the source's last key go too
    const current = await readRange(target, t, site, after, last, limit * 4 + 1, meter);
    if (same(rows, current)) {
      return { rows: rows.length, checksum: rows.reduce<number>((sum, r) => (sum + rowHash(r)) >>> 0, 0), repaired, next: last, ...meter };
    }
    if (attempt === ATTEMPTS) throw new Error(`move: ${t.name} rows after ${JSON.stringify(after)} still differ after ${ATTEMPTS} attempts; the next step tries again`);
    repaired += await repair(target, t, site, rows, current, meter);
  }
}

/** Deletes the site's next `limit` rows of `table` (key order); `deleted` 0 says the table is done. */
export async function deleteChunk(db: D1Database, t: TableShape, site: string, limit: number): Promise<{ deleted: number } & Meter> {
  const meter: Meter = { rowsRead: 0, rowsWritten: 0 };
  const rows = await readRange(db, t, site, null, null, limit, meter);
  if (!rows.length) return { deleted: 0, ...meter };
  const upTo = keyOf(t, rows.at(-1)!);
  const sql = `DELETE FROM ${quote(t.name)} WHERE site_id = ?1 AND (${keyList(t)}) <= ${keyTuple(t, 2)}`;
  const { meta } = await db.prepare(sql).bind(site, ...upTo).run();
  count(meter, meta);
  return { deleted: meta.changes, ...meter };
}
