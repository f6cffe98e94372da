/**
 * The planner: rollups when they can answer the query exactly, raw events otherwise. A raw plan
 * over a long busy range would exceed D1's 30 s limit and bill millions of rows, so it is refused
 * above a bound estimated from the daily rollups' event counts.
 */
import { HttpError } from '../lib/http-error';
import type { QueryDb } from './db';
import type { Goal } from './goals';
import { runRawPlan } from './raw-plan';
import { estimateRawRows, runRollupPlan } from './rollup-plan';
import type { BaseQuery, BaseRow } from './types';

export type PlanMode = 'auto' | 'raw' | 'rollup';

export interface PlanOptions {
  mode: PlanMode;
  /** most events a raw plan may scan (estimated) before the query is refused */
  maxRawRows: number;
  /** filled in with the plan each base query used (for the benchmark and tests) */
  trace?: ('rollup' | 'raw')[];
}

export async function runPlan(db: QueryDb, q: BaseQuery, goals: Goal[], opts: PlanOptions): Promise<BaseRow[]> {
  if (opts.mode !== 'raw') {
    const rows = await runRollupPlan(db, q);
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
  return runRawPlan(db, q, goals);
}
