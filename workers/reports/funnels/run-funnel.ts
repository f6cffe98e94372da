/**
 * A funnel over a date range (DESIGN §4a): validate -> the events matching any step, as one
 * bitmask per event, for sessions passing the visit filters -> in-order matching (match.ts) ->
 * per step visitors, conversion from step 1 and from the previous step, drop-off, median time.
 *
 * Two plans. Pre-aggregated (`meta.plan`): a stored funnel (or a POST of its steps), session
 * window, no visit filters, a range its `funnel_daily` rows cover (preagg-read.ts). Otherwise raw
 * rows, bounded: a range over `MAX_REPORT_RAW_ROWS` events is refused with a 400 rather than left
 * to D1's 30 s limit. The session window's raw plan counts by the same day rule as the rows
 * (daily.ts), so both plans give the same visitors; medians differ by at most the histogram's bound.
 */
import type { FunnelReport as FunnelAnswer, FunnelStepResult as FunnelStep } from '../../../contract/reports';
import { echoDateRange } from '../../query/date-range';
import type { QueryDb } from '../../query/db';
import { localDay } from '../../lib/timezone';
import { guardRawEvents, loadSite, MAX_REPORT_RAW_ROWS, parseVisitFilters, reportContext, resolveReportRange } from '../params';
import { ATTEMPT_SPAN_MS, MEDIAN_ERROR_BOUND, totalsOf, visitorDays } from './daily';
import { matchFunnel, medianSeconds } from './match';
import { coveredTotals, funnelDefinition } from './preagg-read';
import { selectStepEvents, stepConditions } from './step-events';
import { checkGoalSteps, stepName, WINDOW_MS, type GoalDef, type StepSpec, type Window } from './steps';

export interface FunnelRequest {
  funnel: { id: string | null; name: string };
  steps: StepSpec[];
  /** the steps as given (a stored funnel's JSON): a POST with a stored funnel's steps is that funnel */
  rawSteps?: unknown;
  dateRange: unknown;
  filters: unknown;
  window: Window;
}

export type { FunnelReport as FunnelAnswer, FunnelStepResult as FunnelStep } from '../../../contract/reports';

export type FunnelPlan = 'pre-aggregated' | 'raw';

export interface FunnelOptions {
  maxRawRows?: number;
  /** force a plan (tests, the benchmark); default: pre-aggregated when the funnel's rows cover the range */
  plan?: FunnelPlan;
}

const pct = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0);

export async function loadGoalDefs(db: QueryDb, site: string): Promise<GoalDef[]> {
  return db.all<GoalDef>('SELECT id, kind, event_name, page_path, display_name FROM goals WHERE site_id = ?1 ORDER BY display_name', [site]);
}

/** The stored funnel (id) whose steps the request's are, for a POST of ad-hoc steps. */
async function storedFunnelOf(db: QueryDb, site: string, req: FunnelRequest): Promise<string | null> {
  if (req.funnel.id !== null) return req.funnel.id;
  if (req.rawSteps === undefined) return null;
  const want = JSON.stringify(req.rawSteps);
  const rows = await db.all<{ id: string; steps: string }>('SELECT id, steps FROM funnels WHERE site_id = ?1', [site]);
  return rows.find((r) => JSON.stringify(JSON.parse(r.steps)) === want)?.id ?? null;
}

export async function runFunnel(db: QueryDb, siteId: string, req: FunnelRequest, now: number, options: FunnelOptions = {}): Promise<FunnelAnswer> {
  const site = await loadSite(db, siteId);
  const goalDefs = await loadGoalDefs(db, siteId);
  checkGoalSteps(req.steps, goalDefs);
  const visitFilters = parseVisitFilters(req.filters);
  const range = await resolveReportRange(db, site, req.dateRange, now);
  const n = req.steps.length;

  // a stored funnel (or its steps), session window, no visit filters: its rows, when they cover the range
  let plan: FunnelPlan = 'raw';
  let visitors: number[] = [];
  let medians: (number | null)[] = [];
  if (req.window === 'session' && visitFilters.length === 0 && options.plan !== 'raw') {
    const stored = await storedFunnelOf(db, siteId, req);
    const definition = stored === null ? null : funnelDefinition(req.rawSteps, req.steps, goalDefs);
    const totals = stored !== null && definition !== null
      ? await coveredTotals(db, siteId, stored, definition, [range.firstDay, range.lastDay], n, options.plan === 'pre-aggregated')
      : null;
    if (totals) ({ visitors, medians, plan } = { ...totals, plan: 'pre-aggregated' });
  }
  if (plan === 'raw') {
    await guardRawEvents(db, siteId, range, options.maxRawRows ?? MAX_REPORT_RAW_ROWS);
    const { ctx: dim, filters } = await reportContext(db, site, range, visitFilters);
    if (req.window === 'session') {
      // the day rule (daily.ts): attempts start in the range, and run up to a day past its end
      const to = range.to + ATTEMPT_SPAN_MS;
      const sql = await stepConditions(db, siteId, site.timezone, req.steps, goalDefs, range.from, to, dim.params);
      const events = await selectStepEvents(db, sql, { from: range.from, to, filters });
      const inRange = (d: string) => d >= range.firstDay && d <= range.lastDay;
      const totals = totalsOf(visitorDays(events, n, (ts) => localDay(ts, site.timezone), inRange), n);
      visitors = totals.map((t) => t.visitors);
      medians = totals.map((t, k) => (k === 0 ? null : medianSeconds(t.seconds)));
    } else {
      const sql = await stepConditions(db, siteId, site.timezone, req.steps, goalDefs, range.from, range.to, dim.params);
      const events = await selectStepEvents(db, sql, { from: range.from, to: range.to, filters });
      const results = matchFunnel(events, n, WINDOW_MS[req.window]);
      visitors = results.map((r) => r.visitors);
      medians = results.map((r, k) => (k === 0 ? null : medianSeconds(r.seconds)));
    }
  }

  const first = visitors[0]!;
  const steps = visitors.map((v, k): FunnelStep => {
    const prev = k === 0 ? v : visitors[k - 1]!;
    return {
      name: stepName(req.steps[k]!, goalDefs),
      visitors: v,
      conversion_rate: pct(v, first),
      step_conversion_rate: pct(v, prev),
      dropoff: prev - v,
      median_seconds: medians[k]!,
    };
  });
  const meta: FunnelAnswer['meta'] = { date_range: echoDateRange(range, site.timezone), window: req.window, plan };
  if (plan === 'pre-aggregated') meta.median_error_bound = MEDIAN_ERROR_BOUND;
  if (req.window !== 'session') {
    meta.note = `Identified visitors are followed across sessions within ${req.window}; anonymous visitors (a daily id) only within a session.`;
  }
  return { funnel: req.funnel, steps, meta };
}
