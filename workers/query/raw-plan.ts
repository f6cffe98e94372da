/**
 * The raw plan: base sums straight from `events` and `sessions`. Event metrics come from events in
 * the range, visit metrics from sessions that start in it; the two are grouped by the same
 * dimension labels and merged. Used for what rollups cannot answer and as their ground truth.
 */
import type { QueryDb } from './db';
// the vitals report computes p75 the same way (one definition: nearest rank)
import { p75Exact } from '../reports/vitals/histogram';
import { PASSIVE_EVENT_NAMES } from '../../contract/events';
import { entryPageSql, filtersSql, goalSql, type FilterContext, type ResolvedGoal } from './filters';
import type { Goal } from '../lib/goals';
import { resolveFilters, resolveGoals } from './resolve';
import { DEFAULT_REGEX_BUDGET, RegexBudget } from './regex-budget';
import { dimensionSql, localDaySql, Params, visitorsSql, type Side } from './sql';
import { DAY_MS, offsetSegments, type OffsetSegment } from '../lib/timezone';
import { SESSION_ONLY_DIMENSIONS, type BaseQuery, type BaseRow, type Filter } from './types';

interface Stmt {
  sql: string;
  params: unknown[];
  kind: 'events' | 'sessions' | 'errors' | 'engagement' | 'vitals';
}

/** Event names that are signals about a page, not traffic: never counted as events or visitors. */
const NON_TRAFFIC = PASSIVE_EVENT_NAMES;

/**
 * A range's offset segments take a time-zone lookup per 6 hours: about 15k over ten years, a
 * quarter of a second of CPU, and one request plans the same range up to four times (totals,
 * percentages, conversion rates). Kept for the last few ranges, per isolate.
 */
const segmentCache = new Map<string, OffsetSegment[]>();
const SEGMENT_CACHE_SIZE = 32;

function rangeSegments(from: number, to: number, tz: string): OffsetSegment[] {
  const key = `${tz}|${from}|${to}`;
  let segments = segmentCache.get(key);
  if (!segments) {
    segments = offsetSegments(from, to, tz);
    if (segmentCache.size >= SEGMENT_CACHE_SIZE) segmentCache.delete(segmentCache.keys().next().value!);
    segmentCache.set(key, segments);
  }
  return segments;
}

export async function runRawPlan(db: QueryDb, q: BaseQuery, goals: Goal[], budget = new RegexBudget(DEFAULT_REGEX_BUDGET)): Promise<BaseRow[]> {
  const segments = rangeSegments(q.range.from - DAY_MS, q.range.to + DAY_MS, q.site.timezone);
  const base = { segments, firstDay: q.range.firstDay };
  const resolveCtx = { ...base, params: new Params() };
  const filters = await resolveFilters(db, q.filters, q.site.id, resolveCtx, q.range.from, q.range.to, budget);
  const usesGoals = q.dimensions.includes('event:goal') || JSON.stringify(q.filters).includes('"event:goal"');
  const resolved = usesGoals ? await resolveGoals(db, goals, q.site.id, resolveCtx, q.range.from, q.range.to, budget) : [];
  const eventDimensions = q.dimensions.some((d) => d.startsWith('event:'));
  const newCtx = (): FilterContext => ({ ...base, params: new Params(), site: q.site.id, from: q.range.from, to: q.range.to, goals: resolved, eventDimensions });

  const sessionMode = q.dimensions.some((d) => SESSION_ONLY_DIMENSIONS.includes(d));
  const eventDims = q.dimensions.some((d) => d.startsWith('event:') && d !== 'event:page');
  const pageDim = q.dimensions.includes('event:page');
  const n = q.needs;
  // by event name or prop, visits are the distinct sessions of its events; by page they are the
  // sessions that viewed it, counted as a page filter counts them (sessions starting in the range)
  const visitsFromEvents = !sessionMode && n.has('visits') && eventDims;
  const eventAggs: string[] = [];
  const sessionAggs: string[] = [];
  const stmts: Stmt[] = [];
  // goal breakdowns run one statement per goal (an event can complete several goals)
  const goalArms: (ResolvedGoal | null)[] = q.dimensions.includes('event:goal') ? goalsInScope(resolved, filters) : [null];

  for (const goal of goalArms) {
    const build = (side: Side, aggs: (ctx: FilterContext) => string[], where: (ctx: FilterContext) => string, kind: Stmt['kind'], inner?: string, pages?: boolean) => {
      const ctx = newCtx();
      const dims = q.dimensions.map((d) => (d === 'event:goal' ? ctx.params.bind(goal!.name) : pages && d === 'event:page' ? 'p.pathname' : dimensionSql(d, side, ctx, q.granularity)));
      if (dims.some((d) => d === null)) return;
      const select = [...dims.map((d, i) => `${d} AS d${i}`), ...aggs(ctx)].join(', ');
      // joined on the sessions' key (site, visitor, id): on the id alone SQLite scans the sessions
      // of the range once per (session, page) pair — minutes at 1M events (D1 has no index on ids)
      const table = side === 'e' ? 'events e' : pages ? `sessions s JOIN ${viewedPagesSql(ctx, q, filters)} p ON s.visitor_id = p.vid AND s.id = p.sid` : 'sessions s';
      const t = side === 'e' ? 'e.ts' : 's.start';
      let sql = `SELECT ${select} FROM ${table} WHERE ${side}.site_id = ${ctx.params.bind(q.site.id)}`
        + ` AND ${t} >= ${ctx.params.bind(q.range.from)} AND ${t} < ${ctx.params.bind(q.range.to)}`
        + ` AND ${where(ctx)} AND ${filtersSql(filters, side, ctx)}`
        + (goal ? ` AND (${goalSql(goal, ctx)})` : '');
      const groupBy = dims.map((_, i) => `d${i}`);
      if (inner) sql = inner.replace('%INNER%', sql).replaceAll('%DIMS%', groupBy.join(', ') || '1');
      else if (groupBy.length) sql += ` GROUP BY ${groupBy.join(', ')}`;
      stmts.push({ sql, params: ctx.params.values, kind });
    };
    const trafficOnly = (ctx: FilterContext) => `e.name NOT IN ${ctx.params.bindSet(NON_TRAFFIC)}`;

    if (!sessionMode && (n.has('visitors') || n.has('pageviews') || n.has('events') || n.has('revenue') || visitsFromEvents)) {
      build('e', (ctx) => {
        const a = [`${visitorsSql('e', ctx)} AS visitors`, `coalesce(sum(e.name = ${ctx.params.bind('pageview')}), 0) AS pageviews`, 'count(*) AS events'];
        if (visitsFromEvents) a.push('count(DISTINCT e.session_id) AS visits');
        if (n.has('revenue')) {
          a.push('coalesce(sum(e.revenue_amount), 0) AS revenue', 'count(e.revenue_amount) AS revenueEvents');
          a.push('count(DISTINCT e.revenue_currency) AS revenueCurrencies', 'max(e.revenue_currency) AS revenueCurrency');
        }
        return a;
      }, trafficOnly, 'events');
    }
    const sessionNeeds = n.has('bounces') || n.has('duration') || n.has('sessionPageviews') || (n.has('visits') && !visitsFromEvents);
    if (sessionMode || sessionNeeds) {
      // by page, a session counts under every page it viewed (visits), but its bounce and its
      // duration count only under the page it entered on: Plausible answers a page's session
      // metrics from the sessions table grouped by entry page (QueryOptimizer renames event:page
      // to visit:entry_page there, in the filters too). Under a page filter (no page dimension),
      // bounces count the sessions that entered on a matching page, duration every viewer.
      const pages = pageDim && !sessionMode;
      build('s', (ctx) => {
        const entered = pages ? 's.entry_page = p.pathname' : entryPageSql(filters, ctx);
        const duration = pages
          ? [`coalesce(sum(s.duration * (${entered})), 0) AS duration`, `coalesce(sum(${entered}), 0) AS durationSessions`]
          : ['coalesce(sum(s.duration), 0) AS duration'];
        const a = ['count(*) AS sessionCount', ...duration, 'coalesce(sum(s.pageviews), 0) AS sessionPageviews'];
        if (!visitsFromEvents) a.push('count(*) AS visits');
        if (entered) a.push(`coalesce(sum(s.is_bounce * (${entered})), 0) AS bounces`, `coalesce(sum(${entered}), 0) AS bounceSessions`);
        else a.push('coalesce(sum(s.is_bounce), 0) AS bounces');
        if (sessionMode) a.push(`${visitorsSql('s', ctx)} AS visitors`, 'coalesce(sum(s.pageviews), 0) AS pageviews', 'coalesce(sum(s.events), 0) AS events');
        return a;
      }, () => '1', 'sessions', undefined, pages);
    }
    if (n.has('errors')) {
      build('e', () => ['count(*) AS errors'], (ctx) => `e.name = ${ctx.params.bind('error')}`, 'errors');
    }
    if (n.has('engagement')) {
      // per visitor (a visitor-day for anonymous ids): deepest scroll and summed engaged time
      build('e', (ctx) => [
        `CASE WHEN e.identified = 0 THEN ${localDaySql('e.ts', ctx)} || '.' || e.visitor_id ELSE e.visitor_id END AS vk`,
        'max(e.scroll_depth) AS m', 'sum(e.engaged_ms) AS t',
      ], (ctx) => `e.name = ${ctx.params.bind('engagement')}`, 'engagement',
      `SELECT %DIMS%, avg(m) AS scrollDepth, sum(t) / 1000.0 / count(*) AS timeOnPage FROM (%INNER% GROUP BY %DIMS%, vk) GROUP BY %DIMS%`);
    }
    if (n.has('vitals')) {
      build('e', (ctx) => [`json_extract(e.props, ${ctx.params.bind('$.metric')}) AS metric`, `CAST(json_extract(e.props, ${ctx.params.bind('$.value')}) AS REAL) AS value`],
        (ctx) => `e.name = ${ctx.params.bind('web-vital')} AND json_extract(e.props, ${ctx.params.bind('$.metric')}) IN ${ctx.params.bindSet(q.vitals)}`, 'vitals');
    }
  }
  const results = await db.batch<Record<string, unknown>>(stmts);
  return mergeResults(q, stmts, results, sessionMode || !q.dimensions.some((d) => d.startsWith('event:')));
}

/**
 * The pages each session viewed (one row per session and page), for session metrics by page. Its
 * events may run a day past the range, as the sessions that start in it may.
 */
function viewedPagesSql(ctx: FilterContext, q: BaseQuery, filters: Filter[]): string {
  const p = ctx.params;
  // only the pages a top-level page filter keeps: the rows are the filtered events' pages (and
  // Plausible's sessions side turns the filter into one on the entry page, grouped by it), so a
  // session's other pages must not add rows of their own
  const pageFilters = filters.filter((f) => 'dimension' in f && f.dimension === 'event:page');
  // any event on the page, as a page filter matches (filters.ts, sessionsWithEvent)
  // a session's events carry its visitor id (the SiteDO assigns sessions per visitor)
  return `(SELECT DISTINCT e.session_id AS sid, e.visitor_id AS vid, e.pathname AS pathname FROM events e WHERE e.site_id = ${p.bind(q.site.id)}`
    + ` AND e.ts >= ${p.bind(q.range.from)} AND e.ts < ${p.bind(q.range.to + DAY_MS)} AND ${filtersSql(pageFilters, 'e', ctx)})`;
}

/** Goals a goal breakdown lists: all, or only those a top-level `is` goal filter names. */
function goalsInScope(goals: ResolvedGoal[], filters: Filter[]): ResolvedGoal[] {
  const named = filters.flatMap((f) => ('dimension' in f && f.dimension === 'event:goal' && f.op === 'is' ? [f.values] : []));
  return goals.filter((g) => named.every((values) => values.includes(g.name)));
}

function mergeResults(q: BaseQuery, stmts: Stmt[], results: Record<string, unknown>[][], sessionsAddRows: boolean): BaseRow[] {
  const rows = new Map<string, BaseRow>();
  const vitals = new Map<string, Map<string, number[]>>();
  const dimCount = q.dimensions.length;
  stmts.forEach((stmt, i) => {
    for (const r of results[i]!) {
      const dims = Array.from({ length: dimCount }, (_, k) => r[`d${k}`] as string | number);
      const key = JSON.stringify(dims);
      let row = rows.get(key);
      if (!row) {
        if (stmt.kind === 'sessions' && !sessionsAddRows && stmts.some((s) => s.kind === 'events')) continue;
        rows.set(key, (row = { dims }));
      }
      if (stmt.kind === 'vitals') {
        const per = vitals.get(key) ?? new Map<string, number[]>();
        vitals.set(key, per);
        const list = per.get(r.metric as string) ?? [];
        per.set(r.metric as string, list);
        if (typeof r.value === 'number') list.push(r.value);
        continue;
      }
      for (const [k, v] of Object.entries(r)) {
        if (k.startsWith('d') && /^d\d+$/.test(k)) continue;
        (row as unknown as Record<string, unknown>)[k] = v;
      }
    }
  });
  for (const [key, per] of vitals) {
    const row = rows.get(key)!;
    row.vitals = {};
    for (const [metric, list] of per) row.vitals[`${metric.toLowerCase()}_p75` as keyof typeof row.vitals] = p75Exact(list);
  }
  return [...rows.values()];
}

