/**
 * Filters to SQL, per table. A visit:* filter is a plain condition on either table (events carry
 * their session's attribution). An event:* filter on sessions keeps the visits that contain a
 * matching event, event:page included (Plausible: visits and visit duration under a page filter
 * are those of every session that viewed the page; only bounce rate narrows to the sessions that
 * entered on it, see entryPageSql). Regexes and wildcards were resolved to exact value sets
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
      // a session-level condition (as Plausible): the visit has a matching event. Sessions start in
      // the range but may run past its end; a day of slack covers any real session, as in
      // sessionsWithEvent.
      const p = ctx.params;
      const inner = `SELECT e.session_id FROM events e WHERE e.site_id = ${p.bind(ctx.site)}`
        + ` AND e.ts >= ${p.bind(ctx.from)} AND e.ts < ${p.bind(ctx.to + DAY_MS)} AND (${filterSql(f.filter, 'e', ctx)})`;
      return `${side === 'e' ? 'e.session_id' : 's.id'} ${f.op === 'has_done' ? 'IN' : 'NOT IN'} (${inner})`;
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
  if (f.dimension === 'event:page' && side === 's') return sessionsWithEvent(f, ctx);
  if (f.dimension.startsWith('event:props:') && side === 'e') return propSql(f, ctx);
  const expr = dimensionSql(f.dimension, side, ctx);
  if (expr === null) return side === 's' ? sessionsWithEvent(f, ctx) : eventsOfSessions(f, ctx);
  return valueSql(expr, f, ctx);
}

/**
 * A custom property as Plausible filters it (its WhereBuilder): `is` / `is_not` treat an event
 * without the key as having the value `(none)`, while `contains`, `matches` and their negations
 * need the key — so `contains_not` and `matches_not` never match an event that lacks it. Both
 * arms are two-valued (never SQL NULL), so a surrounding `not` inverts them exactly.
 */
function propSql(f: LeafFilter, ctx: FilterContext): string {
  if (f.op === 'is' || f.op === 'is_not') return valueSql(dimensionSql(f.dimension, 'e', ctx)!, f, ctx);
  const path = ctx.params.bind(`$."${f.dimension.slice('event:props:'.length)}"`);
  return `(json_type(e.props, ${path}) IS NOT NULL AND coalesce(${valueSql(`json_extract(e.props, ${path})`, f, ctx)}, 0))`;
}

/**
 * Bounce rate under top-level event:page filters counts only the sessions that entered on a
 * matching page (Plausible: "we only count bounce rate where users _entered_ at page"); null when
 * the query has none.
 */
export function entryPageSql(filters: Filter[], ctx: FilterContext): string | null {
  const pages = filters.filter((f): f is LeafFilter => 'dimension' in f && f.dimension === 'event:page');
  if (pages.length === 0) return null;
  return pages.map((f) => `(${valueSql(dimensionSql('visit:entry_page', 's', ctx)!, f, ctx)})`).join(' AND ');
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
