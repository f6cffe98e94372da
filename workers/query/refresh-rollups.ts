/**
 * Keeps the rollups current (called by the `*∕5 * * * *` cron). Incremental: only the site-days
 * (local days in the site's zone) that received event or session rows since the site's watermark
 * are rebuilt, each from scratch in one D1 batch (a transaction), so a repeated or overlapping run
 * rewrites the same rows and never double-counts. Dimension values use the same SQL expressions
 * as the raw plan (sql.ts), which is what makes the two plans agree.
 */
import type { Env } from '../env';
import { QueryDb } from './db';
import { rollupPairs, ROLLUP_DIMS } from './rollup-dims';
import { dimensionSql, Params, timeSql, type DimContext, type Side } from './sql';
import { addDays, dayStart, localDay, offsetSegments } from './timezone';

/** Rows inserted within this long before a run are read again by the next run (commit delay). */
export const WATERMARK_LAG_MS = 60_000;
/** Local days within this many days of today also get hourly rollups. */
export const HOURLY_DAYS = 7;
const HOURLY_KEEP_DAYS = 14;
/**
 * Each statement scans the day once and explodes every row into one row per dimension tuple, so
 * tuples per statement bound its time: about this many exploded rows keep a statement well under
 * D1's 30 s limit, between 2 and 24 tuples a statement.
 */
const EXPLODED_ROWS_PER_STATEMENT = 2_000_000;
const NON_TRAFFIC = ['engagement', 'web-vital', 'error'];
const QUARTER_HOUR = 900_000; // every zone offset is a multiple of 15 minutes

export interface SiteRow {
  id: string;
  timezone: string;
  watermark: number;
  /** JSON list of days left over by an earlier run */
  pending?: string;
}

/**
 * A day with more identified visitors than this keeps no id lists (the site total's list would
 * near D1's 2 MB row limit at ~17 bytes an id): its rows hold OVERFLOW_IDS, and range queries
 * count its identified visitors per day (rollup-plan.ts).
 */
export const MAX_IDS_PER_DAY = 30_000;
export const OVERFLOW_IDS = '"overflow"';

/** A run stops starting new site-days after this long; the rest wait in `pending` (newest first). */
export const REFRESH_BUDGET_MS = 60_000;

export async function refreshRollups(env: Env, now: number, budgetMs = REFRESH_BUDGET_MS, db = new QueryDb(env.DB)): Promise<{ rebuilt: number; pending: number }> {
  const sites = await db.all<SiteRow>(
    "SELECT s.id, s.timezone, coalesce(r.watermark, -1) AS watermark, coalesce(r.pending, '[]') AS pending FROM sites s LEFT JOIN rollup_state r ON r.site_id = s.id",
  );
  const deadline = Date.now() + budgetMs; // Date.now() advances across I/O in Workers
  let rebuilt = 0;
  let pending = 0;
  for (const site of sites) {
    const r = await refreshSite(db, site, now, deadline);
    rebuilt += r.rebuilt.length;
    pending += r.pending.length;
  }
  return { rebuilt, pending };
}

export async function refreshSite(db: QueryDb, site: SiteRow, now: number, deadline = Infinity): Promise<{ rebuilt: string[]; pending: string[] }> {
  const next = Math.max(site.watermark, now - WATERMARK_LAG_MS);
  const todo = [...new Set([...(JSON.parse(site.pending ?? '[]') as string[]), ...(await touchedDays(db, site))])].sort().reverse();
  const today = localDay(now, site.timezone);
  const rebuilt: string[] = [];
  // newest first: today's numbers matter most; at least one day per run so a backlog always drains
  while (todo.length && (rebuilt.length === 0 || Date.now() < deadline)) {
    const day = todo.shift()!;
    await rebuildDay(db, site.id, site.timezone, day, day >= addDays(today, -HOURLY_DAYS + 1));
    rebuilt.push(day);
  }
  await db.batch([
    { sql: 'DELETE FROM rollup_hourly WHERE site_id = ?1 AND day < ?2', params: [site.id, addDays(today, -HOURLY_KEEP_DAYS)] },
    {
      sql: 'INSERT INTO rollup_state (site_id, watermark, pending, refreshed_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (site_id) DO UPDATE SET watermark = excluded.watermark, pending = excluded.pending, refreshed_at = excluded.refreshed_at',
      params: [site.id, next, JSON.stringify(todo), now],
    },
  ]);
  return { rebuilt, pending: todo };
}

/**
 * Statements finding what was inserted after a watermark, as quarter-hour buckets of event time;
 * `watermark` null reads the site's stored one (so a query needs no round trip to learn it first),
 * and finds nothing for a site never refreshed (its rollups are not used at all).
 */
export function touchedStatements(site: string, watermark: number | null): { sql: string; params: unknown[] }[] {
  const wm = watermark === null ? '(SELECT watermark FROM rollup_state WHERE site_id = ?1)' : '?3';
  const params = watermark === null ? [site, QUARTER_HOUR] : [site, QUARTER_HOUR, watermark];
  return [
    { sql: `SELECT DISTINCT ts / ?2 AS b FROM events WHERE site_id = ?1 AND inserted_at > ${wm}`, params },
    { sql: `SELECT DISTINCT start / ?2 AS b FROM sessions WHERE site_id = ?1 AND inserted_at > ${wm}`, params },
  ];
}

/** The local days of touched quarter-hour buckets. */
export function bucketDays(buckets: { b: number }[], tz: string): string[] {
  return [...new Set(buckets.map((r) => localDay(r.b * QUARTER_HOUR, tz)))].sort();
}

/** Local days with rows inserted after the watermark. */
export async function touchedDays(db: QueryDb, site: SiteRow): Promise<string[]> {
  const [events, sessions] = await db.batch<{ b: number }>(touchedStatements(site.id, site.watermark));
  return bucketDays([...events!, ...sessions!], site.timezone);
}

/** Tuples [dim, dim2] a side can group by: the total, single dimensions, pairs. */
function tuplesFor(side: Side, ctx: DimContext, withPairs: boolean): { names: [string, string]; exprs: [string, string] }[] {
  const out: { names: [string, string]; exprs: [string, string] }[] = [];
  const none = ctx.params.bind('');
  out.push({ names: ['', ''], exprs: [none, none] });
  for (const d of ROLLUP_DIMS) {
    const e = dimensionSql(d, side, ctx);
    if (e) out.push({ names: [d, ''], exprs: [e, none] });
  }
  if (!withPairs) return out;
  for (const [f, b] of rollupPairs()) {
    const ef = dimensionSql(f, side, ctx);
    const eb = dimensionSql(b, side, ctx);
    if (ef && eb) out.push({ names: [f, b], exprs: [ef, eb] });
  }
  return out;
}

const E_SUMS = ['e_anon_visitors', 'e_ident_visitors', 'pageviews', 'events'];
const S_SUMS = ['s_anon_visitors', 's_ident_visitors', 'visits', 'bounces', 'duration', 's_pageviews', 's_events'];

/** Session attributes copied on every event: a visitor's events share them within a day. */
const ATTRIBUTE_COLUMNS = [
  'referrer', 'source', 'channel', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term',
  'device', 'browser', 'browser_version', 'os', 'os_version', 'country', 'region', 'region_name', 'city',
];

function aggregates(side: Side, p: Params, reduced = false): string[] {
  const v = (ident: number) => `count(DISTINCT CASE WHEN ${side}.identified = ${ident} THEN ${side}.visitor_id END)`;
  if (side === 'e' && reduced) return [v(0), v(1), 'coalesce(sum(e.pv_), 0)', 'sum(e.n_)'];
  if (side === 'e') return [v(0), v(1), `coalesce(sum(e.name = ${p.bind('pageview')}), 0)`, 'count(*)'];
  return [v(0), v(1), 'count(*)', 'coalesce(sum(s.is_bounce), 0)', 'coalesce(sum(s.duration), 0)', 'coalesce(sum(s.pageviews), 0)', 'coalesce(sum(s.events), 0)'];
}

/**
 * Statements grouping one side of a day by chunks of dimension tuples into `table`. Tuples over
 * session attributes only read the day's events first reduced to one row per visitor and
 * attribute set (a few times fewer rows than events); tuples with a page or event name read events.
 */
function sideStatements(side: Side, table: 'daily' | 'hourly', site: string, day: string, from: number, to: number, segments: DimContext['segments'], dayRows: number, listIds = true) {
  const perStatement = Math.max(2, Math.min(24, Math.floor(EXPLODED_ROWS_PER_STATEMENT / Math.max(1, dayRows))));
  const stmts: { sql: string; params: unknown[] }[] = [];
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
      const built = tuplesFor(side, ctx, table !== 'hourly');
      const tuples = group.slice(start, start + perStatement).map((i) => built[i]!);
      const arr = `json_array(${tuples.map((t) => `json_array(${p.bind(t.names[0])}, ${t.exprs[0]}, ${p.bind(t.names[1])}, ${t.exprs[1]})`).join(', ')})`;
      const t = side === 'e' ? 'e.ts' : 's.start';
      const where = `${side}.site_id = ${p.bind(site)} AND ${t} >= ${p.bind(from)} AND ${t} < ${p.bind(to)}`
        + (side === 'e' ? ` AND e.name NOT IN ${p.bindSet(NON_TRAFFIC)}` : '');
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
      const keys = ['$[0]', '$[1]', '$[2]', '$[3]'].map((k) => `json_extract(j.value, ${p.bind(k)})`);
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

/** Replaces every rollup row of one site-day, atomically. */
export async function rebuildDay(db: QueryDb, site: string, tz: string, day: string, hourly: boolean, maxIdsPerDay = MAX_IDS_PER_DAY): Promise<void> {
  const from = dayStart(day, tz);
  const to = dayStart(addDays(day, 1), tz);
  const segments = offsetSegments(from, to, tz);
  // the day's size sets how many tuples one statement may explode (an index-only count); its
  // identified visitors (sessions starting that day) whether id lists fit in a row
  const [size] = await db.all<{ n: number; ident: number }>(
    'SELECT count(*) AS n, (SELECT count(DISTINCT visitor_id) FROM sessions WHERE site_id = ?1 AND start >= ?2 AND start < ?3 AND identified = 1) AS ident FROM events WHERE site_id = ?1 AND ts >= ?2 AND ts < ?3',
    [site, from, to],
  );
  const dayRows = size?.n ?? 0;
  const listIds = (size?.ident ?? 0) <= maxIdsPerDay;
  const stmts = [
    { sql: 'DELETE FROM rollup_daily WHERE site_id = ?1 AND day = ?2', params: [site, day] },
    { sql: 'DELETE FROM rollup_pairs WHERE site_id = ?1 AND day = ?2', params: [site, day] },
    { sql: 'DELETE FROM rollup_hourly WHERE site_id = ?1 AND day = ?2', params: [site, day] },
    ...sideStatements('e', 'daily', site, day, from, to, segments, dayRows, listIds),
    ...sideStatements('s', 'daily', site, day, from, to, segments, dayRows, listIds),
    ...(hourly ? [...sideStatements('e', 'hourly', site, day, from, to, segments, dayRows), ...sideStatements('s', 'hourly', site, day, from, to, segments, dayRows)] : []),
    {
      sql: `UPDATE rollup_daily SET raw_rows = ?3 WHERE site_id = ?1 AND dim = '' AND dim2 = '' AND day = ?2 AND val = '' AND val2 = ''`,
      params: [site, day, dayRows],
    },
  ];
  await db.batch(stmts);
}

