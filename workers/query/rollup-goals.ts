/**
 * Goal breakdowns from rollups: a custom-event goal is the `event:name` row of its name, and a
 * page goal without wildcards the pageviews of its path (the `event:name = pageview` x `event:page`
 * pair, or under a filter the (filter, pageview page) pair). Wildcard goals match a set of pages
 * whose visitors overlap, so they go raw.
 */
import type { QueryDb } from './db';
import type { Goal } from '../lib/goals';
import { hasWildcard } from '../lib/goals';
import { runRollupPlan } from './rollup-plan';
import { PAGEVIEW_PAGE } from '../rollups/shape';
import type { BaseQuery, BaseRow, Filter } from './types';

export async function runGoalRollupPlan(db: QueryDb, query: BaseQuery, goals: Goal[]): Promise<BaseRow[] | null> {
  // the goals' rows come from name and page rows wherever those rank: all of them must be exact
  const q: BaseQuery = { ...query, topK: undefined };
  if (q.dimensions.length !== 1 || q.dimensions[0] !== 'event:goal') return null;
  if ([...q.needs].some((n) => n !== 'visitors' && n !== 'events')) return null;
  if (goals.some((g) => g.pagePath !== null && hasWildcard(g.pagePath))) return null;
  const pageGoals = goals.filter((g) => g.pagePath !== null);
  const needs = new Set(['visitors', 'events', 'pageviews'] as const);
  // only the goals' own names: the pageview row would union every identified visitor of the range
  const eventNames = goals.filter((g) => g.eventName !== null).map((g) => g.eventName!);
  const names = eventNames.length ? await runRollupPlan(db, { ...q, dimensions: ['event:name'], granularity: null, needs, onlyValues: eventNames }) : [];
  if (!names) return null;
  let pages: BaseRow[] | null = [];
  if (pageGoals.length) {
    // pageviews per page: under the query's filter from its (filter, pageview page) pair
    const onlyValues = pageGoals.map((g) => g.pagePath!);
    const pageviews = q.filters.length
      ? { ...q, dimensions: [PAGEVIEW_PAGE], granularity: null, needs, onlyValues }
      : { ...q, dimensions: ['event:page'], granularity: null, needs, onlyValues, filters: [{ op: 'is', dimension: 'event:name', values: ['pageview'], caseSensitive: true }] as Filter[] };
    pages = await runRollupPlan(db, pageviews);
    if (!pages) return null;
  }
  const byName = new Map(names.map((r) => [r.dims[0], r]));
  const byPage = new Map(pages.map((r) => [r.dims[0], r]));
  const rows: BaseRow[] = [];
  for (const g of goals) {
    const r = g.eventName !== null ? byName.get(g.eventName) : byPage.get(g.pagePath!);
    if (r) rows.push({ dims: [g.name], visitors: r.visitors, events: g.eventName !== null ? r.events : r.pageviews });
  }
  return rows;
}
