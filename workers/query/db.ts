/**
 * A thin D1 wrapper for the query engine that adds up `meta.rows_read`: D1 bills and slows by rows
 * read, so the benchmark and the raw-plan bound both need the number.
 */
import { HttpError } from '../lib/http-error';

/**
 * D1's size limits (100 KB statements, 2 MB strings, 100 parameters) reached by what the caller
 * asked for are the caller's problem: a 400, not a 500. The validator bounds the request so this
 * is a last resort; every other D1 error stays a 500, since it is ours.
 */
const TOO_LARGE = /SQLITE_TOOBIG|too many SQL variables/;

function tooLargeAs400(err: unknown): never {
  if (err instanceof Error && TOO_LARGE.test(err.message)) {
    throw new HttpError(400, 'query_too_large', 'query too large: narrow the filters, dimensions or date range');
  }
  throw err;
}

/** One statement and its bound parameters, as `QueryDb.batch` runs them. */
export type Statement = { sql: string; params: unknown[] };

export class QueryDb {
  rowsRead = 0;
  rowsWritten = 0;
  statements = 0;
  /** what the answer had to approximate, for `meta.warning` */
  warnings = new Set<string>();
  /** when set, every statement's cost (the benchmark lists the costliest) */
  profile?: { sql: string; params: unknown[]; rowsRead: number; rowsWritten: number }[];

  constructor(readonly d1: D1Database) {}

  async all<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const res = await this.d1.prepare(sql).bind(...params).all<T>().catch(tooLargeAs400);
    this.count(res.meta, sql, params);
    return res.results;
  }

  /** Several reads in one round trip (D1 runs a batch as one implicit transaction). */
  async batch<T>(statements: Statement[]): Promise<T[][]> {
    if (statements.length === 0) return [];
    const res = await this.d1.batch<T>(statements.map((s) => this.d1.prepare(s.sql).bind(...s.params))).catch(tooLargeAs400);
    res.forEach((r, i) => this.count(r.meta, statements[i]!.sql, statements[i]!.params));
    return res.map((r) => r.results);
  }

  private count(meta: { rows_read?: number; rows_written?: number } | undefined, sql: string, params: unknown[]): void {
    this.statements++;
    this.profile?.push({ sql, params, rowsRead: meta?.rows_read ?? 0, rowsWritten: meta?.rows_written ?? 0 });
    this.rowsRead += meta?.rows_read ?? 0;
    this.rowsWritten += meta?.rows_written ?? 0;
  }
}
