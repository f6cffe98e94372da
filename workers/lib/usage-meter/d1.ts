/** The D1 meter: every statement's `meta.rows_read` / `rows_written`, in batches too. */
import { stageUsage, wrapOnce } from './counters';

type Meta = { rows_read?: number; rows_written?: number } | undefined;

function countD1(stage: string, meta: Meta): void {
  const d1 = stageUsage(stage).d1;
  d1.statements += 1;
  d1.rowsRead += meta?.rows_read ?? 0;
  d1.rowsWritten += meta?.rows_written ?? 0;
}

const realStatement = new WeakMap<object, D1PreparedStatement>();

function meterStatement(statement: D1PreparedStatement, stage: string): D1PreparedStatement {
  const metered = {
    bind: (...values: unknown[]) => meterStatement(statement.bind(...values), stage),
    async run() {
      const result = await statement.run();
      countD1(stage, result.meta);
      return result;
    },
    async all() {
      const result = await statement.all();
      countD1(stage, result.meta);
      return result;
    },
    // `first` returns no meta: run the statement whole (as `first` does) and pick the row.
    async first(column?: string) {
      const result = await statement.all<Record<string, unknown>>();
      countD1(stage, result.meta);
      const row = result.results[0];
      if (row === undefined) return null;
      if (column === undefined) return row;
      if (!(column in row)) throw new Error(`D1_COLUMN_NOTFOUND: Column not found (${column})`);
      return row[column];
    },
    // `raw` returns no meta either, and keeps columns of equal names apart: counted as a statement.
    async raw(options?: { columnNames?: boolean }) {
      const rows = await statement.raw(options as { columnNames: true });
      countD1(stage, undefined);
      return rows;
    },
  } as unknown as D1PreparedStatement;
  realStatement.set(metered, statement);
  return metered;
}

function unwrapStatement(statement: D1PreparedStatement): D1PreparedStatement {
  return realStatement.get(statement) ?? statement;
}

/** `db` counting every statement's rows read and written under `stage`. */
export function meterD1(db: D1Database, stage: string): D1Database {
  return wrapOnce(db, stage, (real) => {
    const metered: Record<string, unknown> = {
      prepare: (query: string) => meterStatement(real.prepare(query), stage),
      async batch<T>(statements: D1PreparedStatement[]) {
        const results = await real.batch<T>(statements.map(unwrapStatement));
        for (const result of results) countD1(stage, result.meta);
        return results;
      },
      // exec reports no rows, only how many statements it ran (migrations, schema tools)
      async exec(query: string) {
        const result = await real.exec(query);
        stageUsage(stage).d1.statements += result.count;
        return result;
      },
      withSession: (constraint?: string) => meterSession(real.withSession(constraint as D1SessionConstraint), stage),
      dump: () => real.dump(),
    };
    return metered as unknown as D1Database;
  });
}

/** A D1 session (read replication) counts like its database; its bookmark is the session's own. */
function meterSession(session: D1DatabaseSession, stage: string): D1DatabaseSession {
  return {
    prepare: (query: string) => meterStatement(session.prepare(query), stage),
    async batch<T>(statements: D1PreparedStatement[]) {
      const results = await session.batch<T>(statements.map(unwrapStatement));
      for (const result of results) countD1(stage, result.meta);
      return results;
    },
    getBookmark: () => session.getBookmark(),
  } as D1DatabaseSession;
}
