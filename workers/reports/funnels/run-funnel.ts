/**
 * A funnel over a date range (DESIGN §4a): validate -> the events matching any step, as one
 * bitmask per event, for sessions passing the visit filters -> in-order matching (match.ts) ->
 * per step visitors, conversion from step 1 and from the previous step, drop-off, median time.
 *
 * The events come from raw rows, bounded: a range over `MAX_REPORT_RAW_ROWS` events is refused
 * with a 400 rather than left to D1's 30 s limit (pre-aggregated step sequences are not built yet;
 * see workers/reports/README.md).
 */
import { PASSIVE_EVENT_NAMES } from '../../../contract/events';
import type { FunnelReport as FunnelAnswer, FunnelStepResult as FunnelStep } from '../../../contract/reports';
import { echoDateRange } from '../../query/date-range';
import type { QueryDb } from '../../query/db';
import { filtersSql, goalSql, type FilterContext, type ResolvedGoal } from '../../query/filters';
import { DEFAULT_REGEX_BUDGET, RegexBudget } from '../../query/regex-budget';
import { resolveFilters, resolveGoals } from '../../query/resolve';
import { goalsFromRows } from '../../lib/goals';
import type { Filter } from '../../query/types';
import { guardRawEvents, loadSite, MAX_REPORT_RAW_ROWS, parseVisitFilters, reportContext, resolveReportRange } from '../params';
import { matchFunnel, medianSeconds, type StepEvent } from './match';
import { checkGoalSteps, stepName, WINDOW_MS, type GoalDef, type StepSpec, type Window } from './steps';

export interface FunnelRequest {
  funnel: { id: string | null; name: string };
  steps: StepSpec[];
  dateRange: unknown;
  filters: unknown;
  window: Window;
}

export type { FunnelReport as FunnelAnswer, FunnelStepResult as FunnelStep } from '../../../contract/reports';

export interface FunnelOptions {
  maxRawRows?: number;
}

const pct = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0);

export async function loadGoalDefs(db: QueryDb, site: string): Promise<GoalDef[]> {
  return db.all<GoalDef>('SELECT id, kind, event_name, page_path, display_name FROM goals WHERE site_id = ?1 ORDER BY display_name', [site]);
}

export async function runFunnel(db: QueryDb, siteId: string, req: FunnelRequest, now: number, options: FunnelOptions = {}): Promise<FunnelAnswer> {
  const site = await loadSite(db, siteId);
  const goalDefs = await loadGoalDefs(db, siteId);
  checkGoalSteps(req.steps, goalDefs);
  const visitFilters = parseVisitFilters(req.filters);
  const range = await resolveReportRange(db, site, req.dateRange, now);
  await guardRawEvents(db, siteId, range, options.maxRawRows ?? MAX_REPORT_RAW_ROWS);

  const { ctx: dim, filters } = await reportContext(db, site, range, visitFilters);
  const budget = new RegexBudget(DEFAULT_REGEX_BUDGET);
  // goals by id for goal steps, by name for `event:goal` leaves inside filter steps
  const byId = new Map(goalDefs.map((g) => [g.id, goalsFromRows([g])[0]!]));
  const resolved = await resolveGoals(db, [...byId.values()], siteId, dim, range.from, range.to, budget);
  const resolvedById = new Map([...byId.keys()].map((id, i) => [id, resolved[i]!]));
  const ctx: FilterContext = { ...dim, site: siteId, from: range.from, to: range.to, goals: resolved };
  const stepFilters = await resolveFilters(db, req.steps.flatMap((s) => (s.kind === 'filter' ? [s.filter] : [])), siteId, dim, range.from, range.to, budget);

  let nextFilter = 0;
  const conditions = req.steps.map((s) => (s.kind === 'goal' ? goalSql(resolvedById.get(s.goalId) as ResolvedGoal, ctx) : filtersSql([stepFilters[nextFilter++] as Filter], 'e', ctx)));
  const rows = await selectStepEvents(db, ctx, conditions, filters);
  const results = matchFunnel(rows, req.steps.length, req.window === 'session' ? null : WINDOW_MS[req.window]);

  const first = results[0]!.visitors;
  const steps = results.map((r, k): FunnelStep => {
    const prev = k === 0 ? r.visitors : results[k - 1]!.visitors;
    return {
      name: stepName(req.steps[k]!, goalDefs),
      visitors: r.visitors,
      conversion_rate: pct(r.visitors, first),
      step_conversion_rate: pct(r.visitors, prev),
      dropoff: prev - r.visitors,
      median_seconds: k === 0 ? null : medianSeconds(r.seconds),
    };
  });
  const meta: FunnelAnswer['meta'] = { date_range: echoDateRange(range, site.timezone), window: req.window };
  if (req.window !== 'session') {
    meta.note = `Identified visitors are followed across sessions within ${req.window}; anonymous visitors (a daily id) only within a session.`;
  }
  return { funnel: req.funnel, steps, meta };
}

/** Events matching at least one step, with the bitmask of the steps they match, by visitor and time. */
async function selectStepEvents(db: QueryDb, ctx: FilterContext, conditions: string[], filters: Filter[]): Promise<StepEvent[]> {
  const p = ctx.params;
  const mask = conditions.map((c, k) => `(CASE WHEN ${c} THEN ${1 << k} ELSE 0 END)`).join(' | ');
  const sql = `SELECT v, i, s, t, m FROM (SELECT e.visitor_id AS v, e.identified AS i, e.session_id AS s, e.ts AS t, e.id AS id, ${mask} AS m`
    + ` FROM events e WHERE e.site_id = ${p.bind(ctx.site)} AND e.ts >= ${p.bind(ctx.from)} AND e.ts < ${p.bind(ctx.to)}`
    + ` AND e.name NOT IN ${p.bindSet(PASSIVE_EVENT_NAMES)} AND ${filtersSql(filters, 'e', ctx)})`
    + ' WHERE m > 0 ORDER BY i, v, t, id';
  const rows = await db.all<{ v: number; i: number; s: string; t: number; m: number }>(sql, p.values);
  return rows.map((r) => ({ visitor: r.v, identified: r.i === 1, session: r.s, ts: r.t, mask: r.m }));
}
