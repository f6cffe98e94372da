/**
 * The retention report's pre-aggregates (workers/db/schema-retention.ts) as statements for the
 * rollup refresh's own batches, so they commit with the rollups and the watermark:
 * `behaviour_visitor_days` (an identified visitor's active local days, a month a row, as a bitmask)
 * and `behaviour_visitor_first` (their first session in the data kept). Both are kept from
 * sessions, the table the raw plan reads (a session's start decides the day).
 *
 * Exactly once without a ledger: setting a day's bit and taking the earlier first session are
 * idempotent, so a row counted twice changes nothing. The one change that is not an addition, a
 * late first event moving a session's start to the day before, is repaired for the visitors a run
 * touched (their kept days' bits are cleared where no session of theirs starts any more).
 */
import type { Statement } from '../../query/db';
import { Params, timeSql, type DimContext } from '../../query/sql';
import { sideArrivedAfter } from '../../rollups/stale-days';
import { ARRIVAL_BUCKET_MS as QUARTER_HOUR } from '../../db/schema';
import { addDays, dayStart, localDay, offsetSegments } from '../../lib/timezone';

/** The bit of a `YYYY-MM-DD` day in its month's `days` (SQL over a day column or expression). */
const bitSql = (day: string) => `(1 << (CAST(substr(${day}, 9, 2) AS INTEGER) - 1))`;
const bitOf = (day: string) => 2 ** (Number(day.slice(8, 10)) - 1);

function ctxFor(from: number, to: number, tz: string, p: Params): DimContext {
  return { params: p, segments: offsetSegments(from, to, tz), firstDay: localDay(from, tz) };
}

/**
 * Upserts from identified sessions given as `source` (columns visitor_id, id, start, d = local
 * day): the month rows take the days' bits (sum of distinct powers of two is their OR: SQLite has
 * no bitwise aggregate), written only when a bit is new; the first session moves only earlier.
 */
function upserts(site: string, source: string, p: Params): Statement[] {
  const siteP = p.bind(site);
  const days = `INSERT INTO behaviour_visitor_days (site_id, visitor_id, month, days)`
    + ` SELECT ${siteP}, visitor_id, substr(d, 1, 7), sum(DISTINCT ${bitSql('d')}) FROM ${source} GROUP BY visitor_id, substr(d, 1, 7)`
    + ` ON CONFLICT (site_id, visitor_id, month) DO UPDATE SET days = behaviour_visitor_days.days | excluded.days`
    + ` WHERE (behaviour_visitor_days.days | excluded.days) != behaviour_visitor_days.days`;
  // min(start) makes SQLite take the other bare columns from that row (its id and day)
  const first = `INSERT INTO behaviour_visitor_first (site_id, visitor_id, day, start, session_id)`
    + ` SELECT ${siteP}, visitor_id, d, min(start), id FROM ${source} GROUP BY visitor_id`
    + ` ON CONFLICT (site_id, visitor_id) DO UPDATE SET day = excluded.day, start = excluded.start, session_id = excluded.session_id`
    + ` WHERE excluded.start < behaviour_visitor_first.start`;
  return [{ sql: days, params: p.values }, { sql: first, params: p.values }];
}

/**
 * Clears `day`'s bit in the rows of visitors (`visitors`: a SQL set built on the statement's
 * params; null: all of the month) with no identified session starting that day any more, then
 * drops rows left with no day.
 */
function clearDay(site: string, tz: string, day: string, visitors: ((p: Params) => string) | null): Statement[] {
  const by = visitors ? '' : ' INDEXED BY behaviour_visitor_days_month';
  const p = new Params();
  const siteP = p.bind(site);
  const bit = p.bind(bitOf(day));
  // for a visitor set, `+month` keeps the month index out: the key finds the visitors' rows
  const monthCol = visitors ? '+month' : 'month';
  const update = `UPDATE behaviour_visitor_days${by} SET days = days & ~${bit} WHERE site_id = ${siteP} AND ${monthCol} = ${p.bind(day.slice(0, 7))} AND days & ${bit} != 0`
    + (visitors ? ` AND visitor_id IN (${visitors(p)})` : '')
    + ` AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.site_id = ${siteP} AND s.visitor_id = behaviour_visitor_days.visitor_id AND s.identified = 1`
    // `+start`: the visitor's sessions are one key range; the start index would read the whole day's
    + ` AND +s.start >= ${p.bind(dayStart(day, tz))} AND +s.start < ${p.bind(dayStart(addDays(day, 1), tz))})`;
  const q = new Params();
  const drop = `DELETE FROM behaviour_visitor_days${by} WHERE site_id = ${q.bind(site)} AND ${monthCol} = ${q.bind(day.slice(0, 7))} AND days = 0`
    + (visitors ? ` AND visitor_id IN (${visitors(q)})` : '');
  return [{ sql: update, params: p.values }, { sql: drop, params: q.values }];
}

/** A site-day from its sessions now (rollups/rebuild.ts): what a from-scratch count writes. */
export function retentionRebuildStatements(site: string, tz: string, day: string, from: number, to: number): Statement[] {
  const clear = clearDay(site, tz, day, null);
  const p = new Params();
  const ctx = ctxFor(from, to, tz, p);
  const source = `(SELECT s.visitor_id, s.id, s.start, ${timeSql('time:day', 's.start', ctx)} AS d FROM sessions s`
    + ` WHERE s.site_id = ${p.bind(site)} AND s.start >= ${p.bind(from)} AND s.start < ${p.bind(to)} AND s.identified = 1)`;
  return [...clear, ...upserts(site, source, p)];
}

/**
 * The sessions written since the watermark `after` that start in [from, to) (the incrementally
 * kept days), found through `arrivals` as the rollups' delta finds them (one key range of
 * sessions_site_start per quarter-hour that received rows). A session still committing past the
 * run's watermark is read again by the next run: harmless, the upserts are idempotent.
 */
export function retentionDeltaStatements(span: { site: string; tz: string; from: number; to: number; after: number }): Statement[] {
  const { site, tz, from, to, after } = span;
  if (to <= from) return [];
  const touched = (p: Params, cols: string) => {
    const siteP = p.bind(site);
    const q = String(QUARTER_HOUR);
    return `SELECT ${cols} FROM (SELECT DISTINCT bucket FROM arrivals WHERE ${sideArrivedAfter('s', siteP, p.bind(after))}) AS b`
      + ` CROSS JOIN sessions t ON t.site_id = ${siteP} AND t.start >= b.bucket * ${q} AND t.start < b.bucket * ${q} + ${q}`
      + ` WHERE t.inserted_at > ${p.bind(after)} AND t.identified = 1 AND +t.start >= ${p.bind(from)} AND +t.start < ${p.bind(to)}`;
  };
  const days: string[] = [];
  for (let d = localDay(from, tz); dayStart(d, tz) < to; d = addDays(d, 1)) days.push(d);
  // a touched visitor's days may have lost a session (its start moved a day earlier)
  const repairs = days.flatMap((day) => clearDay(site, tz, day, (p) => touched(p, 't.visitor_id')));
  const p = new Params();
  const ctx = ctxFor(from, to, tz, p);
  const source = `(${touched(p, `t.visitor_id, t.id, t.start, ${timeSql('time:day', 't.start', ctx)} AS d`)})`;
  return [...repairs, ...upserts(site, source, p)];
}

/** GDPR erasure: the visitor's rows, whatever their days (rollups/erase.ts). */
export function forgetRetentionVisitor(site: string, visitorId: number): Statement[] {
  return [
    { sql: 'DELETE FROM behaviour_visitor_days WHERE site_id = ?1 AND visitor_id = ?2', params: [site, visitorId] },
    { sql: 'DELETE FROM behaviour_visitor_first WHERE site_id = ?1 AND visitor_id = ?2', params: [site, visitorId] },
  ];
}

/**
 * After the retention cron deleted sessions that started and ended before `cutoff`: the days and
 * first sessions they held go too, so the pre-aggregates keep what the raw rows keep. Months
 * before the cutoff's go whole; the cutoff's month loses the bits of its days before the day
 * before the cutoff's, and those two days are checked against the sessions left (a session
 * started there may have outlived the cutoff). A first session that is gone is replaced by the
 * visitor's earliest one left, or the visitor's row goes when none is left.
 */
export function retentionPruneStatements(site: string, tz: string, cutoff: number, now: number): Statement[] {
  const cutoffDay = localDay(cutoff, tz);
  const edge = addDays(cutoffDay, -1);
  const month = cutoffDay.slice(0, 7);
  // bits of days 1 .. edge-1 of the cutoff's month (none if the edge is the month's first day or in the month before)
  const before = edge.slice(0, 7) === month ? 2 ** (Number(edge.slice(8, 10)) - 1) - 1 : 0;
  const stmts: Statement[] = [
    { sql: 'DELETE FROM behaviour_visitor_days INDEXED BY behaviour_visitor_days_month WHERE site_id = ?1 AND month < ?2', params: [site, edge.slice(0, 7)] },
  ];
  if (before) stmts.push({ sql: 'UPDATE behaviour_visitor_days INDEXED BY behaviour_visitor_days_month SET days = days & ~?3 WHERE site_id = ?1 AND month = ?2 AND days & ?3 != 0', params: [site, month, before] });
  stmts.push(...clearDay(site, tz, edge, null), ...clearDay(site, tz, cutoffDay, null));
  const p = new Params();
  const ctx = ctxFor(cutoff - 2 * 86_400_000, now + 2 * 86_400_000, tz, p);
  const siteP = p.bind(site);
  const earliest = (col: string) => `(SELECT ${col} FROM sessions s WHERE s.site_id = ${siteP} AND s.visitor_id = f.visitor_id AND s.identified = 1 ORDER BY s.start, s.id LIMIT 1)`;
  const gone = `f.site_id = ${siteP} AND f.day <= ${p.bind(cutoffDay)}`
    + ` AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.site_id = ${siteP} AND s.visitor_id = f.visitor_id AND s.id = f.session_id)`;
  stmts.push({
    sql: `UPDATE behaviour_visitor_first AS f SET start = ${earliest('s.start')}, session_id = ${earliest('s.id')}, day = ${earliest(timeSql('time:day', 's.start', ctx))}`
      + ` WHERE ${gone} AND EXISTS (SELECT 1 FROM sessions s WHERE s.site_id = ${siteP} AND s.visitor_id = f.visitor_id AND s.identified = 1)`,
    params: p.values,
  });
  const q = new Params();
  const siteQ = q.bind(site);
  stmts.push({
    sql: `DELETE FROM behaviour_visitor_first AS f WHERE f.site_id = ${siteQ} AND f.day <= ${q.bind(cutoffDay)}`
      + ` AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.site_id = ${siteQ} AND s.visitor_id = f.visitor_id AND s.identified = 1)`,
    params: q.values,
  });
  return stmts;
}
