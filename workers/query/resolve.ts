/**
 * D1 has no REGEXP, so `matches` filters and wildcard page goals are resolved in JS against the
 * distinct values present around the range, then queried as exact sets (bound as one JSON
 * parameter). A superset of values is harmless: only values that matched the pattern are kept.
 */
import type { QueryDb } from './db';
import { countryCode } from './labels';
import { hasWildcard, wildcardRegex, type Goal } from '../lib/goals';
import { compilePattern } from '../lib/user-regex';
import type { ResolvedGoal } from './filters';
import { mapLeavesAsync } from './validate-filters';
import { DAY_MS } from '../lib/timezone';
import { dimensionSql, Params, type DimContext } from './sql';
import { SESSION_ONLY_DIMENSIONS, type Filter } from './types';

/** Distinct values a dimension takes around [from, to) (a day of slack each side). */
async function distinctValues(db: QueryDb, site: string, dim: string, ctx: DimContext, from: number, to: number): Promise<string[]> {
  const params = new Params();
  const local: DimContext = { ...ctx, params };
  const onSessions = SESSION_ONLY_DIMENSIONS.includes(dim);
  const side = onSessions ? 's' : 'e';
  const expr = dimensionSql(dim, side, local)!;
  const table = onSessions ? 'sessions s' : 'events e';
  const t = onSessions ? 's.start' : 'e.ts';
  const sql = `SELECT DISTINCT ${expr} AS v FROM ${table} WHERE ${side}.site_id = ${params.bind(site)}`
    + ` AND ${t} >= ${params.bind(from - DAY_MS)} AND ${t} < ${params.bind(to + DAY_MS)}`;
  const rows = await db.all<{ v: string | null }>(sql, params.values);
  return rows.map((r) => r.v).filter((v): v is string => typeof v === 'string');
}

export async function resolveFilters(db: QueryDb, filters: Filter[], site: string, ctx: DimContext, from: number, to: number): Promise<Filter[]> {
  const cache = new Map<string, Promise<string[]>>();
  const values = (dim: string) => {
    let v = cache.get(dim);
    if (!v) cache.set(dim, (v = distinctValues(db, site, dim, ctx, from, to)));
    return v;
  };
  const resolveLeaf = async (leaf: Extract<Filter, { dimension: string }>): Promise<Filter> => {
    // country names are labels derived from the stored ISO codes: filter on the codes
    if (leaf.dimension === 'visit:country_name' && (leaf.op === 'is' || leaf.op === 'is_not')) {
      return { ...leaf, dimension: 'visit:country', values: leaf.values.map(countryCode) };
    }
    if ((leaf.op !== 'matches' && leaf.op !== 'matches_not') || leaf.dimension === 'event:goal') return leaf;
    const res = leaf.values.map((v) => compilePattern(v, leaf.caseSensitive));
    const matching = (await values(leaf.dimension)).filter((v) => res.some((re) => re.test(v)));
    return { op: leaf.op === 'matches' ? 'in_set' : 'not_in_set', dimension: leaf.dimension, values: matching, caseSensitive: true };
  };
  return mapLeavesAsync(filters, resolveLeaf);
}

/** Wildcard page goals get the exact pathnames they match around the range. */
export async function resolveGoals(db: QueryDb, goals: Goal[], site: string, ctx: DimContext, from: number, to: number): Promise<ResolvedGoal[]> {
  let pages: string[] | null = null;
  const out: ResolvedGoal[] = [];
  for (const g of goals) {
    if (g.pagePath === null || !hasWildcard(g.pagePath)) {
      out.push({ ...g, paths: null });
      continue;
    }
    pages ??= await distinctValues(db, site, 'event:page', ctx, from, to);
    const re = wildcardRegex(g.pagePath);
    out.push({ ...g, paths: pages.filter((p) => re.test(p)) });
  }
  return out;
}

