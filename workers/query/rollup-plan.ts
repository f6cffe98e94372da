/**
 * The rollup plan: answers a query from the rollup tables (daily, pairs, hourly) when that is
 * exact — whole local days, additive metrics, at most one breakdown dimension plus time, and at
 * most one single-value `is` filter whose (filter, breakdown) pair is kept. It mirrors the raw plan's
 * routing (which table each metric comes from, which rows exist) so both return the same rows.
 * Rollups trail raw data by one cron run (≤ 5 min).
 */
import type { QueryDb } from './db';
import { hasPair, HOURLY_DAYS, OVERFLOW_IDS, PAGEVIEW_PAGE, storedDim } from '../rollups/shape';
import { Params } from './sql';
import { addDays, eachDay, localDay } from '../lib/timezone';
import { isTimeDimension, SESSION_ONLY_DIMENSIONS, type BaseQuery, type BaseRow, type Need } from './types';

const ROLLUP_NEEDS: Need[] = ['visitors', 'pageviews', 'events', 'visits', 'bounces', 'duration', 'sessionPageviews'];

interface Shape {
  table: 'daily' | 'hourly';
  dim: string;
  dim2: string;
  val: string | null;
  /** which stored column carries the breakdown value */
  valueCol: 'val' | 'val2' | null;
  eSide: boolean;
  sSide: boolean;
  sessionMode: boolean;
  sessionsAddRows: boolean;
}

/** How rollups would answer `q`, or null when they cannot answer it exactly. */
export function rollupShape(q: BaseQuery): Shape | null {
  if (!q.range.wholeDays || [...q.needs].some((n) => !ROLLUP_NEEDS.includes(n))) return null;
  const nonTime = q.dimensions.filter((d) => !isTimeDimension(d));
  if (nonTime.length > 1 || q.filters.length > 1 || q.granularity === 'time:minute') return null;
  const breakdown = nonTime[0] ? storedDim(nonTime[0]) : '';
  if (breakdown === null) return null;
  if (breakdown === PAGEVIEW_PAGE && q.filters.length !== 1) return null; // kept only as pairs
  let filterDim = '';
  let val: string | null = null;
  const f = q.filters[0];
  if (f) {
    if (!('dimension' in f) || f.op !== 'is' || f.values.length !== 1 || !f.caseSensitive || storedDim(f.dimension) !== f.dimension) return null;
    filterDim = f.dimension;
    val = f.values[0]!;
  }
  const sessionMode = SESSION_ONLY_DIMENSIONS.includes(breakdown);
  const eventDims = breakdown.startsWith('event:') && breakdown !== 'event:page';
  const n = q.needs;
  if (eventDims && n.has('visits')) return null; // visits per event name are distinct sessions of events
  const eSide = !sessionMode && (n.has('visitors') || n.has('pageviews') || n.has('events'));
  const sSide = sessionMode || n.has('visits') || n.has('bounces') || n.has('duration') || n.has('sessionPageviews');
  // the rollups keep a page's session sums by entry page: Plausible's bounce rate and visit
  // duration *by* page, but not its visits by page (every session that viewed it, which duration
  // needs beside it) nor anything under a page filter (duration over every viewer): raw answers
  if (sSide && (breakdown === 'event:page' || filterDim === 'event:page')) return null;
  // events carry no entry/exit page; sessions carry no event name
  for (const d of [breakdown, filterDim]) {
    if (eSide && SESSION_ONLY_DIMENSIONS.includes(d)) return null;
    if (sSide && d === 'event:name') return null;
  }
  const pair = filterDim !== '' && breakdown !== '' && filterDim !== breakdown;
  if (pair && !hasPair(filterDim, breakdown)) return null;
  const hourly = q.granularity === 'time:hour';
  if (hourly && (pair || q.range.firstDay < addDays(localDay(q.now, q.site.timezone), -HOURLY_DAYS + 1))) return null;
  const shape: Shape = {
    table: hourly ? 'hourly' : 'daily',
    dim: filterDim || breakdown,
    dim2: pair ? breakdown : '',
    val,
    valueCol: pair ? 'val2' : breakdown ? 'val' : null,
    eSide, sSide, sessionMode,
    sessionsAddRows: sessionMode || !q.dimensions.some((d) => d.startsWith('event:')),
  };
  return shape;
}

interface Agg {
  t: string | null;
  v: string | null;
  ea: number; ei: number; pv: number; ev: number;
  sa: number; si: number; visits: number; bounces: number; duration: number; spv: number; sev: number;
  ids: string | null;
  identTotal?: number;
  /** largest daily identified count of the row (pruned plans) */
  identMax?: number;
}

/**
 * Identified visitors keep their id across days, so a range's count is the size of the union of
 * the daily id lists, per bucket. Concatenating lists in SQL must stay under D1's 2 MB string
 * limit: the site's daily identified totals over the range (an upper bound for every bucket) gate
 * the concatenation inside the same statement (`FILTER`), so an oversized one is never built.
 * Past MAX_UNION_IDS, and on days built with too many identified visitors to list
 * (MAX_IDS_PER_DAY, workers/rollups/shape.ts), identified visitors are summed per day, as
 * anonymous ones (and Plausible) count, with a warning.
 */
export const MAX_UNION_IDS = 100_000;
const APPROXIMATE = 'identified visitors are counted once per day: too many to deduplicate across days';

function unionSize(ids: string): number {
  // one parse, then straight into the set: flat() would copy ~100k ids into a new array first
  const seen = new Set<number>();
  for (const list of JSON.parse(`[${ids}]`) as number[][]) for (const id of list) seen.add(id);
  return seen.size;
}

/** Breakdowns with many values, where the top rows of a page are worth a second, narrow read. */
const LONG_TAILED = ['event:page', 'visit:entry_page', 'visit:exit_page', 'visit:referrer', 'visit:city', 'visit:region', 'visit:region_name', 'visit:utm_campaign', 'visit:utm_content', 'visit:utm_term'];

/**
 * Exact identified-visitor unions for the rows that can reach the first `q.topK` rows by visitors.
 * A row's daily identified counts bound its union: their largest from below, their sum from above.
 * A row whose upper bound is below the k-th largest lower bound cannot place: at least k rows beat
 * it whatever its union is, so it keeps the lower bound and still sorts after the page. The id
 * lists of the candidates are read by key (their values × the range's days).
 */
/**
 * Rows of some values over the range, read by key — the range's days × the values — rather than
 * every value's rows of each day (`day` precedes the value in the primary keys).
 */
function byKeys(p: Params, q: BaseQuery, valueCol: string, values: string[]): string {
  const days = eachDay(q.range.firstDay, q.range.lastDay);
  return `day IN (SELECT value FROM json_each(${p.bind(JSON.stringify(days))}))`
    + ` AND ${valueCol} IN (SELECT value FROM json_each(${p.bind(JSON.stringify(values))}))`;
}

async function candidateUnions(db: QueryDb, q: BaseQuery, shape: Shape, table: string, aggs: Agg[], side: 'e' | 's'): Promise<Map<string, number> | 'overflow'> {
  const anon = (a: Agg) => (side === 's' ? a.sa : a.ea);
  const lower = aggs.map((a) => anon(a) + (a.identMax ?? 0)).sort((x, y) => y - x);
  const threshold = lower[Math.min(q.topK!, lower.length) - 1] ?? 0;
  const candidates = aggs.filter((a) => anon(a) + (side === 's' ? a.si : a.ei) >= threshold && (a.identMax ?? 0) > 0).map((a) => a.v!);
  if (candidates.length === 0) return new Map();
  const p = new Params();
  const sql = `SELECT ${shape.valueCol} AS v, group_concat(${side}_ident_ids) AS ids FROM ${table}`
    + ` WHERE site_id = ${p.bind(q.site.id)} AND dim = ${p.bind(shape.dim)} AND dim2 = ${p.bind(shape.dim2)}`
    + (shape.val !== null ? ` AND val = ${p.bind(shape.val)}` : '')
    + ` AND ${byKeys(p, q, shape.valueCol!, candidates)} GROUP BY v`;
  const lists = await db.all<{ v: string; ids: string }>(sql, p.values);
  if (lists.some((l) => l.ids.includes(OVERFLOW_IDS))) return 'overflow';
  return new Map(lists.map((l) => [l.v, unionSize(l.ids)]));
}

export async function runRollupPlan(db: QueryDb, q: BaseQuery): Promise<BaseRow[] | null> {
  const shape = rollupShape(q);
  if (!shape) return null;
  const p = new Params();
  const hourly = shape.table === 'hourly';
  const bucket = !q.granularity ? 'NULL'
    : hourly ? 'hour'
    : q.granularity === 'time:day' ? 'day'
    : q.granularity === 'time:week' ? `max(date(day, '-6 days', 'weekday 1'), ${p.bind(q.range.firstDay)})`
    : `strftime('%Y-%m-01', day)`;
  const value = shape.valueCol ?? 'NULL';
  const only = q.onlyValues && shape.valueCol && !q.granularity ? byKeys(p, q, shape.valueCol, q.onlyValues) : null;
  const where = `site_id = ${p.bind(q.site.id)} AND dim = ${p.bind(shape.dim)}`
    + (hourly ? '' : ` AND dim2 = ${p.bind(shape.dim2)}`)
    + (shape.val !== null ? ` AND val = ${p.bind(shape.val)}` : '')
    + (only ? ` AND ${only}` : ` AND day >= ${p.bind(q.range.firstDay)} AND day <= ${p.bind(q.range.lastDay)}`);
  const sums = 'sum(e_anon_visitors) AS ea, sum(e_ident_visitors) AS ei, sum(pageviews) AS pv, sum(events) AS ev, sum(s_anon_visitors) AS sa, sum(s_ident_visitors) AS si, sum(visits) AS visits, sum(bounces) AS bounces, sum(duration) AS duration, sum(s_pageviews) AS spv, sum(s_events) AS sev';
  const table = hourly ? 'rollup_hourly' : shape.dim2 ? 'rollup_pairs' : 'rollup_daily';
  const side = shape.sessionMode ? 's' : 'e';
  // a day's list holds each id once: buckets of one day need no union
  const identified = !hourly && q.granularity !== 'time:day' && (shape.eSide || shape.sessionMode) && q.needs.has('visitors');
  // a page of the top rows of a long breakdown: lists are read afterwards, for the rows that can place
  const pruned = identified && q.topK !== undefined && !q.granularity && LONG_TAILED.includes(shape.dim2 || shape.dim);
  let ids = 'NULL AS ids';
  if (identified) {
    const identTotal = `(SELECT coalesce(sum(${side}_ident_visitors), 0) FROM rollup_daily WHERE site_id = ${p.bind(q.site.id)} AND dim = '' AND dim2 = ''`
      + ` AND day >= ${p.bind(q.range.firstDay)} AND day <= ${p.bind(q.range.lastDay)})`;
    ids = pruned
      ? `NULL AS ids, max(${side}_ident_visitors) AS identMax, ${identTotal} AS identTotal`
      : `group_concat(${side}_ident_ids) FILTER (WHERE ${identTotal} BETWEEN 1 AND ${p.bind(MAX_UNION_IDS)}) AS ids, ${identTotal} AS identTotal`;
  }
  const aggs = await db.all<Agg>(`SELECT ${bucket} AS t, ${value} AS v, ${sums}, ${ids} FROM ${table} WHERE ${where} GROUP BY t, v`, p.values);
  let approximate = aggs.some((a) => (a.identTotal ?? 0) > MAX_UNION_IDS || a.ids?.includes(OVERFLOW_IDS));
  const unions = pruned && !approximate ? await candidateUnions(db, q, shape, table, aggs, side) : null;
  if (unions === 'overflow') approximate = true;
  if (approximate) db.warnings.add(APPROXIMATE);

  const rows: BaseRow[] = [];
  for (const a of aggs) {
    const hasE = shape.eSide && a.ev > 0;
    const hasS = shape.sSide && a.visits > 0 && (!shape.eSide || shape.sessionsAddRows);
    if (!hasE && !hasS) continue;
    const identOf = (daily: number) => {
      if (approximate) return daily;
      // pruned: the exact union where the row can place, else its largest day (it sorts below the page)
      if (unions instanceof Map) return unions.get(a.v!) ?? a.identMax ?? 0;
      return a.ids ? unionSize(a.ids) : daily;
    };
    const row: BaseRow = { dims: q.dimensions.map((d) => (isTimeDimension(d) ? a.t! : a.v!)) };
    if (shape.eSide) Object.assign(row, { visitors: a.ea + identOf(a.ei), pageviews: a.pv, events: a.ev });
    if (shape.sSide) Object.assign(row, { visits: a.visits, bounces: a.bounces, duration: a.duration, sessionPageviews: a.spv });
    if (shape.sessionMode) Object.assign(row, { visitors: a.sa + identOf(a.si), pageviews: a.spv, events: a.sev });
    rows.push(row);
  }
  if (q.dimensions.length === 0 && rows.length === 0) rows.push({ dims: [] });
  return rows;
}

/** Events a raw plan would scan for the range, from the daily totals (cheap: a row per day). */
export async function estimateRawRows(db: QueryDb, q: BaseQuery): Promise<number> {
  const [r] = await db.all<{ n: number | null }>(
    "SELECT sum(raw_rows) AS n FROM rollup_daily WHERE site_id = ?1 AND dim = '' AND dim2 = '' AND day >= ?2 AND day <= ?3",
    [q.site.id, q.range.firstDay, q.range.lastDay],
  );
  return r?.n ?? 0;
}
