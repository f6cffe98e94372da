/**
 * The planner: rollups when they can answer the query exactly and are current for its days, raw
 * events otherwise. Days that received rows since the last refresh are stale in the rollups; a
 * small raw scan answers them exactly, but for a range too big to scan the rollups answer (at
 * most one cron run, ~5 min, behind). A raw plan over a long busy range would exceed D1's 30 s
 * limit and bill millions of rows, so it is refused above a bound estimated from the rollups.
 */
import { HttpError } from '../lib/http-error';
import type { QueryDb } from './db';
import { goalNameMatches, goalsFromRows, GOALS_SQL, type Goal, type GoalColumns } from '../lib/goals';
import { runRawPlan } from './raw-plan';
import { DEFAULT_REGEX_BUDGET, RegexBudget } from './regex-budget';
import { bucketDays, touchedStatement } from '../rollups/stale-days';
import { runGoalRollupPlan } from './rollup-goals';
import { estimateRawRows, rollupShape, runRollupPlan } from './rollup-plan';
import type { BaseQuery, BaseRow, Filter, SiteInfo } from './types';

export type PlanMode = 'auto' | 'raw' | 'rollup';

export interface PlanOptions {
  mode: PlanMode;
  /** most events a raw plan may scan (estimated) before the query is refused */
  maxRawRows: number;
  /** a stale range scanning at most this many events is answered raw (exact and fresh) */
  freshRawRows: number;
  /** units of pattern work a query's `matches` filters and page goals may spend (regex-budget.ts) */
  maxRegexTests?: number;
  /** shared by every plan of one request (runQuery makes it from maxRegexTests) */
  regexBudget?: RegexBudget;
  /** filled in with the plan each base query used (for the benchmark and tests) */
  trace?: ('rollup' | 'raw')[];
  /** days not yet in the rollups (null: never refreshed), loaded with the site */
  stale: Set<string> | null;
}

/**
 * The site, which of its days are not yet in the rollups (null: never refreshed) and, when asked,
 * its goals, in one round trip: every query needs the site, and most then ask whether rollups
 * are current.
 */
export async function loadSiteAndStaleDays(db: QueryDb, siteId: string, withGoals = false): Promise<{ site: SiteInfo; stale: Set<string> | null; goals: Goal[] }> {
  type Row = { id: string; timezone: string; created_at: number; pending: string | null } & { b: number } & GoalColumns;
  const [sites, touched, goals] = await db.batch<Row>([
    { sql: 'SELECT s.id, s.timezone, s.created_at, r.pending FROM sites s LEFT JOIN rollup_state r ON r.site_id = s.id WHERE s.id = ?1', params: [siteId] },
    touchedStatement(siteId, null),
    ...(withGoals ? [{ sql: GOALS_SQL, params: [siteId] }] : []),
  ]);
  const row = sites![0];
  if (!row) throw new HttpError(404, 'not_found', `site "${siteId}" not found`);
  const site = { id: row.id, timezone: row.timezone, createdAt: row.created_at };
  const stale = row.pending !== null ? new Set([...bucketDays(touched!, site.timezone), ...(JSON.parse(row.pending) as string[])]) : null;
  return { site, stale, goals: goalsFromRows(goals ?? []) };
}

/**
 * A filter on one custom-event goal is the same filter on its event name, in both plans (events
 * with that name; on sessions, visits containing one) — and event names are in the rollups.
 */
function goalFiltersAsNames(q: BaseQuery, goals: Goal[]): BaseQuery {
  const filters = q.filters.map((f): Filter => {
    if (!('dimension' in f) || f.dimension !== 'event:goal' || f.op !== 'is' || f.values.length !== 1) return f;
    const matched = goals.filter((g) => goalNameMatches(g.name, 'is', f.values, f.caseSensitive));
    const goal = matched.length === 1 ? matched[0]! : null;
    return goal?.eventName ? { op: 'is', dimension: 'event:name', values: [goal.eventName], caseSensitive: true } : f;
  });
  return { ...q, filters };
}

export async function runPlan(db: QueryDb, raw: BaseQuery, goals: Goal[], opts: PlanOptions): Promise<BaseRow[]> {
  const q = goalFiltersAsNames(raw, goals);
  const goalBreakdown = q.dimensions.length === 1 && q.dimensions[0] === 'event:goal';
  const rollupable = goalBreakdown ? rollupShape({ ...q, dimensions: ['event:name'], granularity: null }) : rollupShape(q);
  if (opts.mode === 'rollup' || (opts.mode === 'auto' && rollupable)) {
    let useRollups = opts.mode === 'rollup';
    if (!useRollups) {
      const stale = opts.stale;
      const touchesStale = stale === null || [...stale].some((d) => d >= q.range.firstDay && d <= q.range.lastDay);
      useRollups = stale !== null && (!touchesStale || (await estimateRawRows(db, q)) > opts.freshRawRows);
    }
    const rows = !useRollups ? null : goalBreakdown ? await runGoalRollupPlan(db, q, goals) : await runRollupPlan(db, q);
    if (rows) {
      opts.trace?.push('rollup');
      return rows;
    }
    if (opts.mode === 'rollup') throw new Error('rollups cannot answer this query');
  }
  if (opts.mode === 'auto') {
    const rows = await rawRows(db, q, opts);
    if (rows > opts.maxRawRows) {
      // rollups at most one cron run behind beat no answer
      const fallback = rollupable && opts.stale !== null ? (goalBreakdown ? await runGoalRollupPlan(db, q, goals) : await runRollupPlan(db, q)) : null;
      if (fallback) {
        opts.trace?.push('rollup');
        return fallback;
      }
      // a count stopped one past the limit knows only "more than"; the rollups' totals say about how many
      const size = rows === opts.maxRawRows + 1 ? `more than ${opts.maxRawRows}` : `about ${rows}`;
      throw new HttpError(400, 'query_too_large', `This query would scan ${size} events; narrow the date range or filters (the limit is ${opts.maxRawRows})`);
    }
  }
  opts.trace?.push('raw');
  return runRawPlan(db, raw, goals, opts.regexBudget ?? new RegexBudget(opts.maxRegexTests ?? DEFAULT_REGEX_BUDGET));
}

/** One count per request and range: a query's plans (totals, comparisons) share their ranges. */
const counted = new WeakMap<QueryDb, Map<string, Promise<number>>>();

/**
 * Events a raw plan over the range would scan, compared against `maxRawRows`. Days the rollups
 * hold are counted from their daily totals (one row a day); days they do not hold yet (a site
 * never refreshed, or rows arrived since the last run: a backfill can fill years at once) would
 * count as zero there, so then the events themselves are counted on their (site_id, ts) key,
 * stopping one past the limit: the guard never reads more than the budget it enforces.
 */
function rawRows(db: QueryDb, q: BaseQuery, opts: PlanOptions): Promise<number> {
  const key = `${q.site.id}/${q.range.from}/${q.range.to}/${opts.maxRawRows}`;
  let perDb = counted.get(db);
  if (!perDb) counted.set(db, (perDb = new Map()));
  let n = perDb.get(key);
  if (!n) perDb.set(key, (n = countRawRows(db, q, opts)));
  return n;
}

async function countRawRows(db: QueryDb, q: BaseQuery, opts: PlanOptions): Promise<number> {
  const estimate = await estimateRawRows(db, q);
  const stale = opts.stale;
  const uncovered = stale === null || [...stale].some((d) => d >= q.range.firstDay && d <= q.range.lastDay);
  if (estimate > opts.maxRawRows || !uncovered || !Number.isFinite(opts.maxRawRows)) return estimate;
  const [r] = await db.all<{ n: number }>(
    'SELECT count(*) AS n FROM (SELECT 1 FROM events WHERE site_id = ?1 AND ts >= ?2 AND ts < ?3 LIMIT ?4)',
    [q.site.id, q.range.from, q.range.to, Math.floor(opts.maxRawRows) + 1],
  );
  return r?.n ?? 0;
}
