/**
 * A funnel's steps as SQL conditions on `events e`, and the events matching any of them as one
 * bitmask per event. Shared by the raw plan (run-funnel.ts) and the refresh's writer
 * (preagg.ts), so both match steps with the same SQL. Goals with wildcards and `matches` step
 * filters resolve to the values present in the span read, with the query engine's budget.
 */
import { PASSIVE_EVENT_NAMES } from '../../../contract/events';
import type { QueryDb } from '../../query/db';
import { filtersSql, goalSql, type FilterContext, type ResolvedGoal } from '../../query/filters';
import { DEFAULT_REGEX_BUDGET, RegexBudget } from '../../query/regex-budget';
import { resolveFilters, resolveGoals } from '../../query/resolve';
import { Params } from '../../query/sql';
import type { Filter } from '../../query/types';
import { goalsFromRows } from '../../lib/goals';
import { offsetSegments } from '../../lib/timezone';
import type { StepEvent } from './match';
import type { GoalDef, StepSpec } from './steps';

export interface StepSql {
  ctx: FilterContext;
  /** one SQL condition per step, bound in ctx.params */
  conditions: string[];
}

/** The steps' conditions for events with ts in [from, to) of a site in zone `tz`. */
export async function stepConditions(db: QueryDb, site: string, tz: string, steps: StepSpec[], goalDefs: GoalDef[], from: number, to: number, params = new Params()): Promise<StepSql> {
  const dim = { params, segments: offsetSegments(from, to, tz), firstDay: '' };
  const budget = new RegexBudget(DEFAULT_REGEX_BUDGET);
  // goals by id for goal steps, by name for `event:goal` leaves inside filter steps (only those
  // used: a wildcard goal resolves by reading the span's pages)
  const byId = new Map(usedGoals(steps, goalDefs).map((g) => [g.id, goalsFromRows([g])[0]!]));
  const resolved = await resolveGoals(db, [...byId.values()], site, dim, from, to, budget);
  const resolvedById = new Map([...byId.keys()].map((id, i) => [id, resolved[i]!]));
  const ctx: FilterContext = { ...dim, site, from, to, goals: resolved };
  const stepFilters = await resolveFilters(db, steps.flatMap((s) => (s.kind === 'filter' ? [s.filter] : [])), site, dim, from, to, budget);
  let nextFilter = 0;
  const conditions = steps.map((s) => (s.kind === 'goal' ? goalSql(resolvedById.get(s.goalId) as ResolvedGoal, ctx) : filtersSql([stepFilters[nextFilter++] as Filter], 'e', ctx)));
  return { ctx, conditions };
}

/** The goals a funnel's steps use: goal steps by id, `event:goal` leaves by name. */
export function usedGoals(steps: StepSpec[], goalDefs: GoalDef[]): GoalDef[] {
  const filters = JSON.stringify(steps.flatMap((s) => (s.kind === 'filter' ? [s.filter] : [])));
  return goalDefs.filter((g) => steps.some((s) => s.kind === 'goal' && s.goalId === g.id) || (filters.includes('event:goal') && filters.includes(JSON.stringify(g.display_name))));
}

/**
 * Steps that match without reading the data first: no page goal with a wildcard and no
 * `matches` filter (those resolve against the span's values, a scan of it): the refresh keeps
 * only such funnels (workers/reports/README.md).
 */
export function matchesWithoutResolution(steps: StepSpec[], goalDefs: GoalDef[]): boolean {
  const filters = JSON.stringify(steps.flatMap((s) => (s.kind === 'filter' ? [s.filter] : [])));
  return !filters.includes('"matches') && usedGoals(steps, goalDefs).every((g) => !(g.page_path ?? '').includes('*'));
}

export interface StepEventQuery {
  /** read events with ts in [from, to) */
  from: number;
  to: number;
  /** visit filters (raw plan) */
  filters?: Filter[];
  /** only events inserted up to here (the refresh's watermark) */
  upTo?: number;
  /** only these visitors: SQL returning visitor ids, built on the statement's params */
  visitors?: (p: Params) => string;
  /** also flag events inserted up to here (`old`: counted by the previous run) */
  oldUpTo?: number;
}

export interface FlaggedStepEvent extends StepEvent {
  old: boolean;
}

/** Events matching at least one step, with the bitmask of the steps they match, by visitor and time. */
export async function selectStepEvents(db: QueryDb, sql: StepSql, q: StepEventQuery): Promise<FlaggedStepEvent[]> {
  const { ctx, conditions } = sql;
  const p = ctx.params;
  const mask = conditions.map((c, k) => `(CASE WHEN ${c} THEN ${1 << k} ELSE 0 END)`).join(' | ');
  const old = q.oldUpTo === undefined ? '0' : `(e.inserted_at <= ${p.bind(q.oldUpTo)})`;
  const where = [
    `e.site_id = ${p.bind(ctx.site)} AND e.ts >= ${p.bind(q.from)} AND e.ts < ${p.bind(q.to)}`,
    `e.name NOT IN ${p.bindSet(PASSIVE_EVENT_NAMES)}`,
    ...(q.upTo === undefined ? [] : [`e.inserted_at <= ${p.bind(q.upTo)}`]),
    ...(q.visitors ? [`e.visitor_id IN (${q.visitors(p)})`] : []),
    filtersSql(q.filters ?? [], 'e', ctx),
  ].join(' AND ');
  const query = `SELECT v, i, s, t, m, o FROM (SELECT e.visitor_id AS v, e.identified AS i, e.session_id AS s, e.ts AS t, e.id AS id, ${mask} AS m, ${old} AS o`
    + ` FROM events e WHERE ${where}) WHERE m > 0 ORDER BY i, v, t, id`;
  const rows = await db.all<{ v: number; i: number; s: string; t: number; m: number; o: number }>(query, p.values);
  return rows.map((r) => ({ visitor: r.v, identified: r.i === 1, session: r.s, ts: r.t, mask: r.m, old: r.o === 1 }));
}
