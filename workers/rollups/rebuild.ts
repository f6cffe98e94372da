/**
 * Rebuilds every rollup row of one site-day from scratch, in one D1 batch (a transaction): how a
 * day enters the rollups, and how days outside the incremental window (backfills, imports, an
 * erased visitor's days) are brought up to date. A repeated rebuild rewrites the same rows.
 */
import type { QueryDb, Statement } from '../query/db';
import { timeSql, Params, type DimContext, type Side } from '../query/sql';
import { addDays, dayStart, offsetSegments } from '../lib/timezone';
import { runGuarded } from './run-lock';
import { reportRebuildStatements } from '../reports/refresh';
import { funnelRebuildStatements } from '../reports/funnels/preagg';
import { journeyDaysStatements, settledBefore } from '../reports/journeys/preagg-write';
import { MAX_IDS_PER_DAY, OVERFLOW_IDS } from './shape';
import { ATTRIBUTE_COLUMNS, E_SUMS, LEDGER_COLUMNS, NON_TRAFFIC, S_SUMS, tupleArraySql, tupleKeysSql, tupleName, tuplesFor } from './tuples';

/**
 * Each statement scans the day once and explodes every row into one row per dimension tuple, so
 * tuples per statement bound its time: about this many exploded rows keep a statement well under
 * D1's 30 s limit, between 2 and 24 tuples a statement.
 */
const EXPLODED_ROWS_PER_STATEMENT = 2_000_000;

function aggregates(side: Side, p: Params, reduced = false): string[] {
  const v = (ident: number) => `count(DISTINCT CASE WHEN ${side}.identified = ${ident} THEN ${side}.visitor_id END)`;
  if (side === 'e' && reduced) return [v(0), v(1), 'coalesce(sum(e.pv_), 0)', 'sum(e.n_)'];
  if (side === 'e') return [v(0), v(1), `coalesce(sum(e.name = ${p.bind('pageview')}), 0)`, 'count(*)'];
  return [v(0), v(1), 'count(*)', 'coalesce(sum(s.is_bounce), 0)', 'coalesce(sum(s.duration), 0)', 'coalesce(sum(s.pageviews), 0)', 'coalesce(sum(s.events), 0)'];
}

interface DaySpan {
  site: string;
  day: string;
  from: number;
  to: number;
  segments: DimContext['segments'];
  /** events inserted after this are left to the next refresh (the incremental window's watermark) */
  upTo: number;
}

/**
 * Statements grouping one side of a day by chunks of dimension tuples into `table`. Tuples over
 * session attributes only read the day's events first reduced to one row per visitor and
 * attribute set (a few times fewer rows than events); tuples with a page or event name read events.
 */
function sideStatements(side: Side, table: 'daily' | 'hourly', span: DaySpan, dayRows: number, listIds = true): Statement[] {
  const { site, day, from, to, segments } = span;
  const perStatement = Math.max(2, Math.min(24, Math.floor(EXPLODED_ROWS_PER_STATEMENT / Math.max(1, dayRows))));
  const stmts: Statement[] = [];
  const all = tuplesFor(side, { params: new Params(), segments, firstDay: day }, table !== 'hourly');
  const isAttr = (names: [string, string]) => side === 'e' && names.every((n) => !n.startsWith('event:'));
  const isPair = (names: [string, string]) => names[1] !== '';
  // one statement reads one source (events, or events reduced per visitor) and writes one table
  const groups: number[][] = [];
  for (const attr of [true, false]) {
    for (const pair of [false, true]) groups.push(all.map((t, i) => i).filter((i) => isAttr(all[i]!.names) === attr && isPair(all[i]!.names) === pair));
  }
  for (const group of groups) {
    if (group.length === 0) continue;
    const reduced = isAttr(all[group[0]!]!.names);
    const dailyTable = isPair(all[group[0]!]!.names) ? 'rollup_pairs' : 'rollup_daily';
    for (let start = 0; start < group.length; start += perStatement) {
      const p = new Params();
      const ctx: DimContext = { params: p, segments, firstDay: day };
      const names = new Set(group.slice(start, start + perStatement).map((i) => tupleName(all[i]!.names)));
      const arr = tupleArraySql(tuplesFor(side, ctx, table !== 'hourly', names), p);
      const t = side === 'e' ? 'e.ts' : 's.start';
      const where = `${side}.site_id = ${p.bind(site)} AND ${t} >= ${p.bind(from)} AND ${t} < ${p.bind(to)}`
        + (side === 'e' ? ` AND e.name NOT IN ${p.bindSet(NON_TRAFFIC)}` : '')
        + (side === 'e' && Number.isFinite(span.upTo) ? ` AND e.inserted_at <= ${p.bind(span.upTo)}` : '');
      const hourSql = table === 'hourly' ? timeSql('time:hour', t, ctx) : null;
      let from_ = side === 'e' ? `events e` : 'sessions s';
      let filter = where;
      let hour = hourSql;
      if (reduced) {
        const cols = ['visitor_id', 'identified', ...ATTRIBUTE_COLUMNS].map((c) => `e.${c}`).join(', ');
        const h = hourSql ? `${hourSql} AS h_, ` : '';
        from_ = `(SELECT ${cols}, ${h}coalesce(sum(e.name = ${p.bind('pageview')}), 0) AS pv_, count(*) AS n_`
          + ` FROM events e WHERE ${where} GROUP BY ${cols}${hourSql ? ', h_' : ''}) e`;
        filter = '1';
        hour = hourSql ? 'e.h_' : null;
      }
      const keys = tupleKeysSql(p);
      const sums = side === 'e' ? E_SUMS : S_SUMS;
      const siteP = p.bind(site);
      const dayP = p.bind(day);
      const aggs = aggregates(side, p, reduced).join(', ');
      let sql: string;
      if (table === 'daily') {
        const cols = [...sums, `${side}_ident_ids`];
        const ids = listIds ? `json_group_array(DISTINCT ${side}.visitor_id) FILTER (WHERE ${side}.identified = 1)` : p.bind(OVERFLOW_IDS);
        sql = `INSERT INTO ${dailyTable} (site_id, day, dim, val, dim2, val2, ${cols.join(', ')})`
          + ` SELECT ${siteP}, ${dayP}, ${keys.join(', ')}, ${aggs}, ${ids}`
          + ` FROM ${from_}, json_each(${arr}) j WHERE ${filter} GROUP BY j.value`
          + ` ON CONFLICT (site_id, dim, dim2, day, val, val2) DO UPDATE SET ${cols.map((c) => `${c} = excluded.${c}`).join(', ')}`;
      } else {
        sql = `INSERT INTO rollup_hourly (site_id, day, hour, dim, val, ${sums.join(', ')})`
          + ` SELECT ${siteP}, ${dayP}, ${hour} AS h, ${keys[0]}, ${keys[1]}, ${aggs}`
          + ` FROM ${from_}, json_each(${arr}) j WHERE ${filter} GROUP BY j.value, h`
          + ` ON CONFLICT (site_id, dim, day, hour, val) DO UPDATE SET ${sums.map((c) => `${c} = excluded.${c}`).join(', ')}`;
      }
      stmts.push({ sql, params: p.values });
    }
  }
  return stmts;
}

/** The day's sessions as this rebuild counts them: the base the incremental refresh subtracts from. */
function ledgerStatement(span: DaySpan): Statement {
  const cols = LEDGER_COLUMNS.join(', ');
  return {
    sql: `INSERT INTO rollup_ledger (site_id, day, session_id, ${cols}) SELECT site_id, ?2, id, ${cols} FROM sessions WHERE site_id = ?1 AND start >= ?3 AND start < ?4`,
    params: [span.site, span.day, span.from, span.to],
  };
}

export interface RebuildOptions {
  /** also hourly rows (recent days) */
  hourly: boolean;
  /** the refresh run that owns the site (rollup_runs): the batch is void if another run took over */
  token: string;
  /** count only events inserted up to here (the run's watermark); Infinity for all */
  upTo?: number;
  /** keep the day's sessions in rollup_ledger (days the refresh then keeps incrementally) */
  ledger?: boolean;
  /** tests: a day with more identified visitors than this lists none */
  maxIdsPerDay?: number;
}

/** Replaces every rollup row of one site-day, atomically. */
export async function rebuildDay(db: QueryDb, site: string, tz: string, day: string, opts: RebuildOptions): Promise<void> {
  const from = dayStart(day, tz);
  const to = dayStart(addDays(day, 1), tz);
  const span: DaySpan = { site, day, from, to, segments: offsetSegments(from, to, tz), upTo: opts.upTo ?? Infinity };
  // the day's size sets how many tuples one statement may explode (an index-only count); its
  // identified visitors (sessions starting that day) whether id lists fit in a row
  const bounded = Number.isFinite(span.upTo);
  const [size] = await db.all<{ n: number; ident: number }>(
    'SELECT count(*) AS n, (SELECT count(DISTINCT visitor_id) FROM sessions WHERE site_id = ?1 AND start >= ?2 AND start < ?3 AND identified = 1) AS ident'
      + ` FROM events WHERE site_id = ?1 AND ts >= ?2 AND ts < ?3${bounded ? ' AND inserted_at <= ?4' : ''}`,
    bounded ? [site, from, to, span.upTo] : [site, from, to],
  );
  const dayRows = size?.n ?? 0;
  const listIds = (size?.ident ?? 0) <= (opts.maxIdsPerDay ?? MAX_IDS_PER_DAY);
  const stmts = [
    { sql: 'DELETE FROM rollup_daily INDEXED BY rollup_daily_day WHERE site_id = ?1 AND day = ?2', params: [site, day] },
    { sql: 'DELETE FROM rollup_pairs INDEXED BY rollup_pairs_day WHERE site_id = ?1 AND day = ?2', params: [site, day] },
    { sql: 'DELETE FROM rollup_hourly INDEXED BY rollup_hourly_day WHERE site_id = ?1 AND day = ?2', params: [site, day] },
    ...sideStatements('e', 'daily', span, dayRows, listIds),
    ...sideStatements('s', 'daily', span, dayRows, listIds),
    ...(opts.hourly ? [...sideStatements('e', 'hourly', span, dayRows), ...sideStatements('s', 'hourly', span, dayRows)] : []),
    {
      sql: `UPDATE rollup_daily SET raw_rows = ?3 WHERE site_id = ?1 AND dim = '' AND dim2 = '' AND day = ?2 AND val = '' AND val2 = ''`,
      params: [site, day, dayRows],
    },
    { sql: 'DELETE FROM rollup_ledger WHERE site_id = ?1 AND day = ?2', params: [site, day] },
    ...(opts.ledger ? [ledgerStatement(span)] : []),
    // the vitals and errors reports' day, in the same transaction (workers/reports/refresh.ts)
    ...reportRebuildStatements(site, tz, day, from, to, span.upTo),
    // the stored funnels' rows of the day (counted in the Worker: workers/reports/funnels/preagg.ts)
    ...(await funnelRebuildStatements(db, site, tz, day, span.upTo)),
    // the journeys report's rows of the day (its sessions settled by upTo), written as a difference
    ...(await journeyDaysStatements(db, site, tz, [day], settledBefore(span.upTo))),
  ];
  await runGuarded(db, site, opts.token, stmts);
}
