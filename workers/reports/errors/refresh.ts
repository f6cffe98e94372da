/**
 * Keeps `errors_daily` current, beside the rollups and inside the same refresh run
 * (workers/rollups/refresh.ts), as vitals/refresh.ts does for vitals: the incremental days add
 * the error events inserted since the watermark, a rebuilt day is counted from scratch, both in
 * the run's guarded batches (each event counted exactly once).
 *
 * Visitors are distinct per day: a visitor adds 1 to a row when their first error of that row's
 * day, group and value was inserted in the window (so the statement reads the day's error events
 * inserted up to the window's end, and counts only the new). Rows written: one upsert per (day,
 * group, page or browser) that a window changed; error events are few, so this is small.
 */
import type { Statement } from '../../query/db';
import { Params, timeSql } from '../../query/sql';
import { offsetSegments } from '../../lib/timezone';
import { deleteDay, dimensionRows } from '../preagg-sql';

/** What each group is broken down by, with its column on `events`. */
export const ERROR_DIMENSIONS = { '': "''", 'event:page': 'x.pathname', 'visit:browser': 'x.browser' } as const;
export type ErrorDimension = keyof typeof ERROR_DIMENSIONS;

export interface ErrorsSpan {
  site: string;
  tz: string;
  from: number;
  to: number;
  /** events inserted in (after, upTo] are added */
  after: number;
  upTo: number;
}

export function errorsUpsert(span: ErrorsSpan): Statement {
  const p = new Params();
  const ctx = { params: p, segments: offsetSegments(span.from, span.to, span.tz), firstDay: '' };
  const after = p.bind(span.after);
  const site = p.bind(span.site);
  const day = timeSql('time:day', 'e.ts', ctx);
  const scope = `e.site_id = ${site} AND e.ts >= ${p.bind(span.from)} AND e.ts < ${p.bind(span.to)} AND e.name = 'error'`
    + ` AND e.inserted_at <= ${p.bind(span.upTo)} AND json_extract(e.props, '$.fingerprint') IS NOT NULL`;
  const rows = `SELECT ${day} AS day, json_extract(e.props, '$.fingerprint') AS fp, e.visitor_id, e.identified, e.ts, e.inserted_at AS ins, e.pathname, e.browser FROM events e WHERE ${scope}`;
  const { table: dims, value: val } = dimensionRows(ERROR_DIMENSIONS);
  // per visitor of a row: the window's events, and whether their first event of the row is new
  const perVisitor = `SELECT t.dim AS dim, x.day AS day, x.fp AS fp, ${val} AS val, sum(x.ins > ${after}) AS n, min(x.ins) AS first_ins,`
    + ` min(CASE WHEN x.ins > ${after} THEN x.ts END) AS first_ts, max(CASE WHEN x.ins > ${after} THEN x.ts END) AS last_ts`
    + ` FROM (${rows}) x, (${dims}) t GROUP BY 1, 2, 3, 4, x.visitor_id, x.identified`;
  // the group's newest text in the window (SQLite takes bare columns from the max(ts) row)
  const latest = `SELECT ${day} AS day, json_extract(e.props, '$.fingerprint') AS fp, max(e.ts) AS ts, json_extract(e.props, '$.message') AS message,`
    + ` json_extract(e.props, '$.source') AS source, json_extract(e.props, '$.line') AS line, json_extract(e.props, '$.stack') AS stack`
    + ` FROM events e WHERE ${scope} AND e.inserted_at > ${after} GROUP BY 1, 2`;
  const grouped = `SELECT v.dim, v.day, v.fp, v.val, sum(v.n) AS events, sum(v.first_ins > ${after}) AS visitors, min(v.first_ts) AS first_ts, max(v.last_ts) AS last_ts`
    + ` FROM (${perVisitor}) v GROUP BY 1, 2, 3, 4 HAVING sum(v.n) > 0`;
  return {
    sql: `INSERT INTO errors_daily (site_id, dim, day, fingerprint, val, events, visitors, first_ts, last_ts, message, source, line, stack)`
      + ` SELECT ${site}, g.dim, g.day, g.fp, g.val, g.events, g.visitors, g.first_ts, g.last_ts,`
      + ` CASE WHEN g.dim = '' THEN l.message END, CASE WHEN g.dim = '' THEN l.source END, CASE WHEN g.dim = '' THEN l.line END, CASE WHEN g.dim = '' THEN l.stack END`
      + ` FROM (${grouped}) g LEFT JOIN (${latest}) l ON l.day = g.day AND l.fp = g.fp WHERE true`
      + ' ON CONFLICT (site_id, dim, day, fingerprint, val) DO UPDATE SET events = events + excluded.events, visitors = visitors + excluded.visitors,'
      + ' first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts),'
      + ' message = coalesce(excluded.message, message), source = coalesce(excluded.source, source), line = coalesce(excluded.line, line), stack = coalesce(excluded.stack, stack)',
    params: p.values,
  };
}

/** A rebuilt day: its rows deleted, then counted again from every error event inserted up to `upTo`. */
export function errorsRebuildStatements(site: string, tz: string, day: string, from: number, to: number, upTo: number): Statement[] {
  return [
    deleteDay('errors_daily', ERROR_DIMENSIONS, site, day),
    errorsUpsert({ site, tz, from, to, after: -1, upTo }),
  ];
}
