/**
 * D1 has no REGEXP, so `matches` filters and wildcard page goals are resolved in JS against the
 * distinct values present around the range, then queried as exact sets (bound as one JSON
 * parameter). A superset of values is harmless: only values that matched the pattern are kept.
 */
import type { QueryDb } from './db';
import { HttpError } from '../lib/http-error';
import { countryCode } from './labels';
import { hasWildcard, wildcardRegex, type Goal } from '../lib/goals';
import { compilePattern } from '../lib/user-regex';
import type { ResolvedGoal } from './filters';
import { mapLeavesAsync } from './validate-filters';
import { DAY_MS } from '../lib/timezone';
import { dimensionSql, Params, type DimContext } from './sql';
import { SESSION_ONLY_DIMENSIONS, type Filter } from './types';

/**
 * A query's budget for pattern tests. Values are attacker-supplied (anonymous events carry any
 * path or prop), so the work is bounded: each test of a value costs one unit per started 100
 * characters (re2js is linear in the input, about 15 ns a character), and a query that would spend
 * more than `max` units (the default, 200k, is about 0.3 s of CPU) is refused before testing.
 */
export const DEFAULT_REGEX_BUDGET = 200_000;

export class RegexBudget {
  used = 0;
  constructor(readonly max: number) {}

  /** Charges testing `values` against `patterns` patterns, or throws 400 past the budget. */
  charge(values: DistinctValues, patterns: number, what: string): void {
    this.used += values.overLimit ? Infinity : values.weight * patterns;
    if (this.used > this.max) {
      throw new HttpError(400, 'query_too_large', `${what} would test too many distinct values in this date range (the limit is ${this.max} tests of 100 characters per query); narrow the date range, or use is or contains`);
    }
  }
}

interface DistinctValues {
  values: string[];
  /** test units of one pattern over every value */
  weight: number;
  /** more distinct values than any budget up to `limit` can test */
  overLimit: boolean;
}

/** Distinct values a dimension takes around [from, to) (a day of slack each side), at most `limit`. */
async function distinctValues(db: QueryDb, site: string, dim: string, ctx: DimContext, from: number, to: number, limit: number): Promise<DistinctValues> {
  const params = new Params();
  const local: DimContext = { ...ctx, params };
  const onSessions = SESSION_ONLY_DIMENSIONS.includes(dim);
  const side = onSessions ? 's' : 'e';
  const expr = dimensionSql(dim, side, local)!;
  const table = onSessions ? 'sessions s' : 'events e';
  const t = onSessions ? 's.start' : 'e.ts';
  const sql = `SELECT DISTINCT ${expr} AS v FROM ${table} WHERE ${side}.site_id = ${params.bind(site)}`
    + ` AND ${t} >= ${params.bind(from - DAY_MS)} AND ${t} < ${params.bind(to + DAY_MS)}`
    // one past the limit tells "too many" without reading the rest of the range
    + ` LIMIT ${params.bind(Number.isFinite(limit) ? Math.floor(limit) + 1 : -1)}`;
  const rows = await db.all<{ v: string | null }>(sql, params.values);
  const values = rows.map((r) => r.v).filter((v): v is string => typeof v === 'string');
  const weight = values.reduce((sum, v) => sum + Math.max(1, Math.ceil(v.length / 100)), 0);
  return { values, weight, overLimit: rows.length > limit };
}

export async function resolveFilters(db: QueryDb, filters: Filter[], site: string, ctx: DimContext, from: number, to: number, budget: RegexBudget): Promise<Filter[]> {
  const cache = new Map<string, Promise<DistinctValues>>();
  const values = (dim: string) => {
    let v = cache.get(dim);
    if (!v) cache.set(dim, (v = distinctValues(db, site, dim, ctx, from, to, budget.max)));
    return v;
  };
  const resolveLeaf = async (leaf: Extract<Filter, { dimension: string }>): Promise<Filter> => {
    // country names are labels derived from the stored ISO codes: filter on the codes
    if (leaf.dimension === 'visit:country_name' && (leaf.op === 'is' || leaf.op === 'is_not')) {
      return { ...leaf, dimension: 'visit:country', values: leaf.values.map(countryCode) };
    }
    if ((leaf.op !== 'matches' && leaf.op !== 'matches_not') || leaf.dimension === 'event:goal') return leaf;
    const res = leaf.values.map((v) => compilePattern(v, leaf.caseSensitive));
    const distinct = await values(leaf.dimension);
    budget.charge(distinct, res.length, `${leaf.op} on ${leaf.dimension}`);
    const matching = distinct.values.filter((v) => res.some((re) => re.test(v)));
    return { op: leaf.op === 'matches' ? 'in_set' : 'not_in_set', dimension: leaf.dimension, values: matching, caseSensitive: true };
  };
  return mapLeavesAsync(filters, resolveLeaf);
}

/** Wildcard page goals get the exact pathnames they match around the range. */
export async function resolveGoals(db: QueryDb, goals: Goal[], site: string, ctx: DimContext, from: number, to: number, budget: RegexBudget): Promise<ResolvedGoal[]> {
  let pages: DistinctValues | null = null;
  const out: ResolvedGoal[] = [];
  for (const g of goals) {
    if (g.pagePath === null || !hasWildcard(g.pagePath)) {
      out.push({ ...g, paths: null });
      continue;
    }
    pages ??= await distinctValues(db, site, 'event:page', ctx, from, to, budget.max);
    budget.charge(pages, 1, `the page goal "${g.name}"`);
    const re = wildcardRegex(g.pagePath);
    out.push({ ...g, paths: pages.values.filter((p) => re.test(p)) });
  }
  return out;
}

