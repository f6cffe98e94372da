/**
 * The planner: rollups when they can answer the query exactly and are current for its days, raw
 * events otherwise. Days that received rows since the last refresh are stale in the rollups; a
 * small raw scan answers them exactly, but for a range too big to scan the rollups answer (at
 * most one cron run, ~5 min, behind). A raw plan over a long busy range would exceed D1's 30 s
 * limit and bill millions of rows, so it is refused above a bound estimated from the rollups.
 */
import { HttpError } from '../lib/http-error';
import type { QueryDb } from './db';
import { goalNameMatches, type Goal } from './goals';
import { runRawPlan } from './raw-plan';
import { touchedDays } from './refresh-rollups';
import { runGoalRollupPlan } from './rollup-goals';
import { estimateRawRows, rollupShape, runRollupPlan } from './rollup-plan';
import type { BaseQuery, BaseRow, Filter } from './types';

export type PlanMode = 'auto' | 'raw' | 'rollup';

export interface PlanOptions {
  mode: PlanMode;
  /** most events a raw plan may scan (estimated) before the query is refused */
  maxRawRows: number;
  /** a stale range scanning at most this many events is answered raw (exact and fresh) */
  freshRawRows: number;
  /** filled in with the plan each base query used (for the benchmark and tests) */
  trace?: ('rollup' | 'raw')[];
  /** days not yet in the rollups (null: never refreshed), loaded once per request */
  stale?: Promise<Set<string> | null>;
}

async function loadStaleDays(db: QueryDb, q: BaseQuery): Promise<Set<string> | null> {
  const [state] = await db.all<{ watermark: number; pending: string }>('SELECT watermark, pending FROM rollup_state WHERE site_id = ?1', [q.site.id]);
  if (!state) return null;
  const touched = await touchedDays(db, { id: q.site.id, timezone: q.site.timezone, watermark: state.watermark });
  return new Set([...touched, ...(JSON.parse(state.pending) as string[])]);
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
      opts.stale ??= loadStaleDays(db, q);
      const stale = await opts.stale;
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
    const estimate = await estimateRawRows(db, q);
    if (estimate > opts.maxRawRows) {
      throw new HttpError(400, 'query_too_large', `This query would scan about ${estimate} events; narrow the date range or filters (the limit is ${opts.maxRawRows})`);
    }
  }
  opts.trace?.push('raw');
  return runRawPlan(db, raw, goals);
}
