/**
 * D1 has no REGEXP, so `matches` filters and wildcard page goals are resolved in JS against the
 * distinct values present around the range, then queried as exact sets (bound as one JSON
 * parameter). A superset of values is harmless: only values that matched the pattern are kept.
 */
import type { QueryDb } from './db';
import { countryCode } from './labels';
import { hasWildcard, wildcardRegex, type Goal } from '../lib/goals';
import { distinctWeight, patternUnits, type DistinctValues, type RegexBudget } from './regex-budget';
import type { ResolvedGoal } from './filters';
import { mapLeavesAsync } from './validate-filters';
import { DAY_MS } from '../lib/timezone';
import { dimensionSql, Params, type DimContext } from './sql';
import { SESSION_ONLY_DIMENSIONS, type Filter } from './types';

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
  return { values, weight: distinctWeight(values), overLimit: rows.length > limit };
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
    const compiled = leaf.values.map((v) => budget.compile(v, leaf.caseSensitive));
    const distinct = await values(leaf.dimension);
    budget.charge(distinct, compiled.reduce((sum, c) => sum + c.units, 0), `${leaf.op} on ${leaf.dimension}`);
    const matching = distinct.values.filter((v) => compiled.some(({ re }) => re.test(v)));
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
    const re = wildcardRegex(g.pagePath);
    budget.charge(pages, patternUnits(re, g.pagePath), `the page goal "${g.name}"`);
    out.push({ ...g, paths: pages.values.filter((p) => re.test(p)) });
  }
  return out;
}

