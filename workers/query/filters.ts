/**
 * Filters to SQL, per table. A visit:* filter is a plain condition on either table (events carry
 * their session's attribution). An event:* filter on sessions keeps the visits that contain a
 * matching event, except event:page, which on sessions means the entry page (Plausible's page-filter
 * rule for bounce rate and visit duration). Regexes and wildcards were resolved to exact value sets
 * beforehand (resolve.ts) because D1 has no REGEXP.
 */
import type { Goal } from '../lib/goals';
import { goalNameMatches } from '../lib/goals';
import { DAY_MS } from '../lib/timezone';
import { sequenceSql } from './sequence';
import { dimensionSql, type DimContext, type Side } from './sql';
import type { Filter, LeafFilter } from './types';

export interface ResolvedGoal extends Goal {
  /** exact pathnames a page goal matches (wildcards resolved against the range's pages) */
  paths: string[] | null;
}

export interface FilterContext extends DimContext {
  site: string;
  from: number;
  to: number;
  goals: ResolvedGoal[];
  /** the query has an event dimension: a sequence keeps the event after it, not its sessions */
  eventDimensions?: boolean;
}

/** `AND`-joined conditions for a side; `1` when there are none. */
export function filtersSql(filters: Filter[], side: Side, ctx: FilterContext): string {
  if (filters.length === 0) return '1';
  return filters.map((f) => `(${filterSql(f, side, ctx)})`).join(' AND ');
}

function filterSql(f: Filter, side: Side, ctx: FilterContext): string {
  switch (f.op) {
    case 'and':
    case 'or':
      return f.filters.map((x) => `(${filterSql(x, side, ctx)})`).join(f.op === 'and' ? ' AND ' : ' OR ');
    case 'not':
      return `NOT (${filterSql(f.filter, side, ctx)})`;
    case 'sequence':
      return sequenceSql(f.filters, side, ctx, (step) => filterSql(step, 'e', ctx), ctx.eventDimensions === true);
    case 'has_done':
    case 'has_not_done': {
      // a visitor-level condition: the visitor did a matching event in the range
      const inner = `SELECT e.visitor_id FROM events e WHERE e.site_id = ${ctx.params.bind(ctx.site)}`
        + ` AND e.ts >= ${ctx.params.bind(ctx.from)} AND e.ts < ${ctx.params.bind(ctx.to)} AND (${filterSql(f.filter, 'e', ctx)})`;
      return `${side}.visitor_id ${f.op === 'has_done' ? 'IN' : 'NOT IN'} (${inner})`;
    }
    default:
      return leafSql(f, side, ctx);
  }
}

function leafSql(f: LeafFilter, side: Side, ctx: FilterContext): string {
  if (f.dimension === 'event:goal') {
    if (side === 's') return sessionsWithEvent(f, ctx);
    const negated = f.op.endsWith('_not') || f.op === 'not_in_set';
    const matched = ctx.goals.filter((g) => goalNameMatches(g.name, f.op, f.values, f.caseSensitive));
    // grouped into two sets so that many goals still fit D1's parameter limit
    const names = matched.flatMap((g) => (g.eventName !== null ? [g.eventName] : []));
    const paths = matched.flatMap((g) => (g.eventName === null ? (g.paths ?? [g.pagePath!]) : []));
    const conds: string[] = [];
    if (names.length) conds.push(`e.name IN ${ctx.params.bindSet(names)}`);
    if (paths.length) conds.push(`(e.name = ${ctx.params.bind('pageview')} AND e.pathname IN ${ctx.params.bindSet(paths)})`);
    const any = conds.length ? conds.join(' OR ') : '0';
    return negated ? `NOT (${any})` : any;
  }
  const expr = dimensionSql(f.dimension, side, ctx);
  if (expr === null) return side === 's' ? sessionsWithEvent(f, ctx) : eventsOfSessions(f, ctx);
  return valueSql(expr, f, ctx);
}

/** The condition a goal puts on an event row. */
export function goalSql(g: ResolvedGoal, ctx: FilterContext): string {
  const p = ctx.params;
  if (g.eventName !== null) return `e.name = ${p.bind(g.eventName)}`;
  const paths = g.paths ?? [g.pagePath!];
  if (paths.length === 0) return '0';
  return `e.name = ${p.bind('pageview')} AND e.pathname IN ${p.bindSet(paths)}`;
}

function valueSql(expr: string, f: LeafFilter, ctx: FilterContext): string {
  const p = ctx.params;
  const fold = !f.caseSensitive;
  const x = fold ? `lower(${expr})` : expr;
  const values = fold ? f.values.map((v) => v.toLowerCase()) : f.values;
  switch (f.op) {
    case 'is':
    case 'in_set':
      return `${x} IN ${p.bindSet(values)}`;
    case 'is_not':
    case 'not_in_set':
      return `${x} NOT IN ${p.bindSet(values)}`;
    case 'contains':
      return values.map((v) => `instr(${x}, ${p.bind(v)}) > 0`).join(' OR ');
    case 'contains_not':
      return values.map((v) => `instr(${x}, ${p.bind(v)}) = 0`).join(' AND ');
    case 'matches':
    case 'matches_not':
      throw new Error('regex filters must be resolved before building SQL');
  }
}

/** Sessions that contain an event passing the filter. */
function sessionsWithEvent(f: LeafFilter, ctx: FilterContext): string {
  const p = ctx.params;
  // sessions start in the range but may run past its end; a day of slack covers any real session
  return `s.id IN (SELECT e.session_id FROM events e WHERE e.site_id = ${p.bind(ctx.site)}`
    + ` AND e.ts >= ${p.bind(ctx.from)} AND e.ts < ${p.bind(ctx.to + DAY_MS)} AND (${leafSql(f, 'e', ctx)}))`;
}

/** Events of sessions passing a sessions-only filter (entry and exit page). */
function eventsOfSessions(f: LeafFilter, ctx: FilterContext): string {
  const p = ctx.params;
  return `e.session_id IN (SELECT s.id FROM sessions s WHERE s.site_id = ${p.bind(ctx.site)}`
    + ` AND s.start >= ${p.bind(ctx.from - DAY_MS)} AND s.start < ${p.bind(ctx.to)} AND (${leafSql(f, 's', ctx)}))`;
}
