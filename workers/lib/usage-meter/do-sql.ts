/** The DO SQLite meter: each cursor's `rowsRead` / `rowsWritten`, and `setAlarm` as one row. */
import { stageUsage, wrapOnce } from './counters';

interface OpenCursor {
  cursor: SqlStorageCursor<Record<string, SqlStorageValue>>;
  stage: string;
  read: number;
  written: number;
}

/**
 * Cursors whose counts may still grow (rows are read as they are consumed). Each fold adds what
 * grew since the last one; a cursor leaves the list at the next statement, so only rows read from
 * a cursor after another statement ran go uncounted (reads are $0.001 per million; writes happen
 * when a statement runs). Holding no cursor past that keeps production memory flat, and never
 * keeps a statement open that a later one (a DROP TABLE) would find locked.
 */
const openCursors: OpenCursor[] = [];

/** Adds what open cursors read and wrote since the last fold; `all` forgets them after. */
export function foldCursors(all: boolean): void {
  for (const open of openCursors) {
    const u = stageUsage(open.stage).doSql;
    const { rowsRead, rowsWritten } = open.cursor;
    u.rowsRead += rowsRead - open.read;
    u.rowsWritten += rowsWritten - open.written;
    open.read = rowsRead;
    open.written = rowsWritten;
  }
  if (all) openCursors.length = 0;
}

/** `sql` counting every cursor's rows read and written under `stage`. */
export function meterSql(sql: SqlStorage, stage: string): SqlStorage {
  return wrapOnce(sql, stage, (real) =>
    new Proxy(real, {
      get(target, prop) {
        if (prop === 'exec') {
          return (query: string, ...bindings: unknown[]) => {
            foldCursors(true);
            const cursor = target.exec(query, ...bindings);
            stageUsage(stage).doSql.statements += 1;
            openCursors.push({ cursor, stage, read: 0, written: 0 });
            return cursor;
          };
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }),
  );
}

/** A `setAlarm` of a SQLite-backed object: billed as one row written. */
export function meterAlarm(stage: string): void {
  const u = stageUsage(stage).doSql;
  u.alarmsSet += 1;
  u.rowsWritten += 1;
}
