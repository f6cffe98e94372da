/**
 * The errors report's rows (the shape of `errors_daily`, errors/refresh.ts) counted straight from
 * the range's error events, for the filters the pre-aggregate cannot answer: its groups carry no
 * visit attributes, and it keeps no page × browser pairs. The same definitions as the writer:
 * per local day, group and value, events, visitors (distinct ids of the day), first and last
 * seen, and on the group row the newest message, source, line and stack of the day.
 *
 * Bounded like the vitals report's raw read: the scan is a LIMIT inside the events' key range, so
 * a range holding more than `bound` events costs at most `bound` rows read and answers null (the
 * route's `400 query_too_large`).
 */
import type { QueryDb } from '../../query/db';
import { Params, timeSql } from '../../query/sql';
import { offsetSegments } from '../../lib/timezone';
import { eventFiltersSql, type ReportRequest } from '../report-request';
import { dimensionRows } from '../preagg-sql';
import { ERROR_DIMENSIONS } from './refresh';

/** One (dimension, day, group, value) row, as `errors_daily` stores it. */
export interface ErrorRow {
  dim: string;
  day: string;
  fingerprint: string;
  val: string;
  events: number;
  visitors: number;
  first_ts: number;
  last_ts: number;
  message: string | null;
  source: string | null;
  line: string | null;
  stack: string | null;
}

export async function readRawErrorRows(db: QueryDb, req: ReportRequest, bound: number, only: string | null): Promise<ErrorRow[] | null> {
  const { site, range } = req;
  const p = new Params();
  const ctx = { params: p, segments: offsetSegments(range.from, range.to, site.timezone), firstDay: range.firstDay };
  const scan = `SELECT * FROM events WHERE site_id = ${p.bind(site.id)} AND ts >= ${p.bind(range.from)} AND ts < ${p.bind(range.to)} LIMIT ${p.bind(bound + 1)}`;
  const fp = "json_extract(e.props, '$.fingerprint')";
  const where = `e.name = 'error' AND ${fp} IS NOT NULL` + (only ? ` AND ${fp} = ${p.bind(only)}` : '')
    + ` AND (${eventFiltersSql(req.filters, p, site.id, range, site.timezone)})`;
  const x = `SELECT ${timeSql('time:day', 'e.ts', ctx)} AS day, ${fp} AS fp, e.visitor_id, e.identified, e.ts, e.pathname, e.browser,`
    + " json_extract(e.props, '$.message') AS message, json_extract(e.props, '$.source') AS source,"
    + " json_extract(e.props, '$.line') AS line, json_extract(e.props, '$.stack') AS stack"
    + ` FROM (${scan}) e WHERE ${where}`;
  const { table: dims, value: val } = dimensionRows(ERROR_DIMENSIONS);
  // the group's newest text of the day (SQLite takes bare columns from the max(ts) row)
  const latest = 'SELECT day, fp, max(ts) AS ts, message, source, line, stack FROM x GROUP BY day, fp';
  const sql = `WITH x AS (${x}), l AS (${latest})`
    + ` SELECT t.dim AS dim, x.day AS day, x.fp AS fingerprint, ${val} AS val, count(*) AS events,`
    + " count(DISTINCT x.identified || ':' || x.visitor_id) AS visitors, min(x.ts) AS first_ts, max(x.ts) AS last_ts,"
    + " CASE WHEN t.dim = '' THEN l.message END AS message, CASE WHEN t.dim = '' THEN l.source END AS source,"
    + " CASE WHEN t.dim = '' THEN l.line END AS line, CASE WHEN t.dim = '' THEN l.stack END AS stack"
    + ` FROM x, (${dims}) t JOIN l ON l.day = x.day AND l.fp = x.fp GROUP BY 1, 2, 3, 4`;
  const [count, rows] = await db.batch<{ n: number } & ErrorRow>([
    { sql: 'SELECT count(*) AS n FROM (SELECT 1 FROM events WHERE site_id = ?1 AND ts >= ?2 AND ts < ?3 LIMIT ?4)', params: [site.id, range.from, range.to, bound + 1] },
    { sql, params: p.values },
  ]);
  if (count![0]!.n > bound) return null;
  return rows!.map((r) => ({ ...r, line: r.line === null ? null : String(r.line) }));
}
