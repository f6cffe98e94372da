/**
 * `runQuery`: validate -> plan (rollup or raw) per range -> finish metrics -> order, paginate ->
 * comparisons -> shape the Plausible v2 response.
 */
import { comparisonRange, echoDateRange, timeLabels } from './date-range';
import { QueryDb } from './db';
import { localDay } from '../lib/timezone';
import type { Goal } from '../lib/goals';
import { change, finishMetric, needsFor, type Totals } from './metrics';
import { loadSiteAndStaleDays, runPlan, type PlanOptions } from './planner';
import { dimensionLabel } from './labels';
import { metricNumber, queryCurrency, type MetricValue } from './revenue';
import { assertBodyDepth, parseQuery } from './validate';
import { walkLeaves } from './validate-filters';
import { HttpError } from '../lib/http-error';
import { goalNameMatches } from '../lib/goals';
import { DEFAULT_REGEX_BUDGET, RegexBudget } from './regex-budget';
import { checkTimeBuckets } from './range-limits';
import { resolveSegments } from './segments';
import { isTimeDimension, type BaseQuery, type BaseRow, type DateRange, type Filter, type Query } from './types';

export interface QueryResult {
  results: { metrics: MetricValue[]; dimensions: (string | number)[]; comparison?: ComparisonPart }[];
  meta: Record<string, unknown>;
  query: Record<string, unknown>;
}

interface ComparisonPart {
  dimensions: (string | number)[];
  metrics: MetricValue[];
  change: (number | null)[];
}

interface FinishedRow {
  dims: (string | number)[];
  metrics: MetricValue[];
}

/** Runs a Stats API v2 query for `siteId` (the caller has checked the key may read it). */
export interface RunOptions extends Partial<Omit<PlanOptions, 'stale'>> {
  /** false for exports: every row, ignoring `pagination` */
  paginate?: boolean;
}

export async function runQuery(d1: D1Database, siteId: string, asked: unknown, now: number, options: RunOptions = {}, db = new QueryDb(d1)): Promise<QueryResult> {
  assertBodyDepth(asked);
  // saved segments become their filters first, so they are validated and bounded like any others
  const body = await resolveSegments(db, siteId, asked);
  // goals ride along with the site when the body could name one (checked exactly after parsing)
  const { site, stale, goals: siteGoals } = await loadSiteAndStaleDays(db, siteId, JSON.stringify(body ?? null).includes('event:goal'));
  let firstDataTs: number | null = null;
  if ((body as { date_range?: unknown } | null)?.date_range === 'all') {
    const r = await db.all<{ t: number | null }>('SELECT min(ts) AS t FROM events WHERE site_id = ?1', [site.id]);
    firstDataTs = r[0]?.t ?? null;
  }
  const q = parseQuery(body, site, now, firstDataTs);
  const { paginate = true, ...planOptions } = options;
  const opts: PlanOptions = { mode: 'auto', maxRawRows: 5_000_000, freshRawRows: 200_000, maxRegexTests: DEFAULT_REGEX_BUDGET, ...planOptions, stale };
  opts.regexBudget ??= new RegexBudget(opts.maxRegexTests!);
  const usesGoals = q.dimensions.includes('event:goal') || JSON.stringify(q.filters).includes('"event:goal"');
  const goals = usesGoals ? siteGoals : [];
  if (usesGoals) assertGoalsConfigured(q.filters, goals);

  const crange = q.include.comparisons ? comparisonRange(q.range, q.include.comparisons, site.timezone, localDay(now, site.timezone)) : null;
  if (crange && q.granularity) checkTimeBuckets(crange, q.granularity, '#/include/comparisons');
  const revenueWarnings = new Map<string, RevenueWarning>();
  const [rows, prev] = await Promise.all([
    computeRows(db, q, q.range, goals, opts, now, paginate ? pageDepth(q) : undefined, revenueWarnings),
    crange ? computeRows(db, q, crange, goals, opts, now) : null,
  ]);
  if (crange && q.granularity && q.dimensions.length === 1) fillTimeBuckets(q, rows);
  sortRows(q, rows);
  const page = paginate ? rows.slice(q.offset, q.offset + q.limit) : rows;
  const results: QueryResult['results'] = page.map((r) => ({ metrics: r.metrics, dimensions: r.dims.map((d, i) => dimensionLabel(q.dimensions[i]!, d)) }));

  const meta: Record<string, unknown> = {};
  // Pulse has no imported data yet: Plausible's answer for a site without imports
  if (q.include.imports) Object.assign(meta, { imports_included: false, imports_skip_reason: 'no_imported_data' });
  if (revenueWarnings.size) meta.metric_warnings = Object.fromEntries([...revenueWarnings].map(([m, code]) => [m, { code, warning: REVENUE_WARNINGS[code] }]));
  const tz = site.timezone;
  if (q.include.timeLabels && q.granularity) meta.time_labels = timeLabels(q.range, q.granularity, tz);
  if (q.include.totalRows) meta.total_rows = rows.length;
  if (crange && prev) {
    attachComparisons(q, crange, page, prev, results);
    if (q.include.timeLabels && q.granularity) meta.comparison_time_labels = timeLabels(crange, q.granularity, tz);
    meta.comparison_date_range = echoDateRange(crange, tz);
  }
  if (db.warnings.size) meta.warning = [...db.warnings].join('; ');
  return { results, meta, query: echoQuery(q, asked as Record<string, unknown>) };
}

/**
 * A timeseries with a comparison lists every bucket of the range, empty ones too, so each has its
 * comparison bucket beside it (as Plausible's query runner does).
 */
function fillTimeBuckets(q: Query, rows: FinishedRow[]): void {
  const seen = new Set(rows.map((r) => String(r.dims[0])));
  for (const label of timeLabels(q.range, q.granularity!, q.site.timezone)) {
    if (!seen.has(label)) rows.push({ dims: [label], metrics: q.metrics.map((m) => finishMetric(m, { dims: [] }, {})) });
  }
}

/** Plausible's check: an `is` goal filter names configured goals (else a 400 with its message). */
function assertGoalsConfigured(filters: Filter[], goals: Goal[]): void {
  walkLeaves(filters, (leaf) => {
    if (leaf.dimension !== 'event:goal' || leaf.op !== 'is') return;
    for (const v of leaf.values) {
      if (!goals.some((g) => goalNameMatches(g.name, 'is', [v], leaf.caseSensitive))) {
        throw new HttpError(400, 'invalid_query', `The goal \`${v}\` is not configured for this site. Find out how to configure goals here: https://plausible.io/docs/stats-api#filtering-by-goals`);
      }
    }
  });
}

/**
 * How many rows by visitors (descending) the page shows, when that is the order of a single
 * breakdown: the plan may then under-count visitors of rows that cannot reach the page.
 */
function pageDepth(q: Query): number | undefined {
  const [first] = q.orderBy ?? [[q.metrics[0], 'desc']];
  if (q.dimensions.length !== 1 || isTimeDimension(q.dimensions[0]!) || first?.[0] !== 'visitors' || first[1] !== 'desc') return undefined;
  return q.offset + q.limit;
}

type RevenueWarning = 'no_single_revenue_currency' | 'no_revenue_goals_matching';

/** Plausible's metric_warnings codes and texts for revenue metrics that come out null. */
const REVENUE_WARNINGS: Record<RevenueWarning, string> = {
  no_single_revenue_currency: 'Revenue metrics are null as there are multiple currencies for the selected event:goals.',
  no_revenue_goals_matching: 'Revenue metrics are null as there are no matching revenue goals.',
};

/**
 * Why a revenue metric is null somewhere in the answer: currencies mixed (Pulse converts none), or
 * no revenue at all (no goal with revenue matched). Set once per metric, as Plausible's meta.
 */
function noteRevenueWarnings(q: Query, base: BaseRow[], finished: FinishedRow[], out: Map<string, RevenueWarning>): void {
  q.metrics.forEach((m, k) => {
    if ((m !== 'total_revenue' && m !== 'average_revenue') || !finished.some((r) => r.metrics[k] === null)) return;
    // a row null beside rows with revenue (a goal without revenue in a goal breakdown) is no warning
    if (base.some((r) => (r.revenueCurrencies ?? 0) > 1)) out.set(m, 'no_single_revenue_currency');
    else if (finished.every((r) => r.metrics[k] === null)) out.set(m, 'no_revenue_goals_matching');
  });
}

/** Finished metric rows for one range (`topK`: see pageDepth; only for the rows of the page). */
async function computeRows(db: QueryDb, q: Query, range: DateRange, goals: Goal[], opts: PlanOptions, now: number, topK?: number, warnings?: Map<string, RevenueWarning>): Promise<FinishedRow[]> {
  const base: BaseQuery = { site: q.site, range, dimensions: q.dimensions, granularity: q.granularity, filters: q.filters, needs: needsFor(q.metrics), vitals: vitalNames(q), now };
  const visitorsOnly = new Set(['visitors'] as const);
  const withoutGoals = q.filters.filter((f) => !('dimension' in f && f.dimension === 'event:goal'));
  const keep = q.dimensions.map((d, i) => (d === 'event:goal' ? -1 : i)).filter((i) => i >= 0);
  const groupDims = keep.map((i) => q.dimensions[i]!);
  // the totals do not depend on the rows: all plans are in flight at once
  const [rows, percentTotal, goalTotal, groups] = await Promise.all([
    runPlan(db, { ...base, topK }, goals, opts),
    q.metrics.includes('percentage') ? runPlan(db, { ...base, dimensions: [], granularity: null, needs: visitorsOnly }, goals, opts) : null,
    q.metrics.includes('conversion_rate') ? runPlan(db, { ...base, dimensions: [], granularity: null, filters: withoutGoals, needs: visitorsOnly }, goals, opts) : null,
    q.metrics.includes('group_conversion_rate')
      ? runPlan(db, { ...base, dimensions: groupDims, granularity: groupDims.some(isTimeDimension) ? base.granularity : null, filters: withoutGoals, needs: visitorsOnly }, goals, opts)
      : null,
  ]);
  const totals: Totals = {};
  if (percentTotal) totals.visitors = percentTotal[0]?.visitors ?? 0;
  if (goalTotal) totals.visitorsNoGoal = goalTotal[0]?.visitors ?? 0;
  if (groups) {
    const byKey = new Map(groups.map((g) => [JSON.stringify(g.dims), g.visitors ?? 0]));
    totals.groupVisitorsNoGoal = (r: BaseRow) => byKey.get(JSON.stringify(keep.map((i) => r.dims[i]))) ?? 0;
  }
  // goals without revenue stay null in a goal breakdown (Plausible's revenue goals have a currency)
  if (base.needs.has('revenue') && !q.dimensions.includes('event:goal')) totals.revenueCurrency = queryCurrency(rows);
  // a row with no data at all is dropped; a row with activity stays even when every metric asked
  // for is 0 (an entry page that never bounced answers bounce_rate 0, as Plausible's)
  // an aggregate always has its one row, even when no statement returned one (scroll_depth over no events)
  const aggregateRows: BaseRow[] = q.dimensions.length === 0 && rows.length === 0 ? [{ dims: [] }] : rows;
  const finished = aggregateRows
    .map((r) => ({ row: r, out: { dims: r.dims, metrics: q.metrics.map((m) => finishMetric(m, r, totals)) } }))
    .filter(({ row, out }) => q.dimensions.length === 0 || hasActivity(row) || finishedHasValue(out.metrics))
    .map(({ out }) => out);
  if (warnings) noteRevenueWarnings(q, rows, finished, warnings);
  return finished;
}

const hasActivity = (r: BaseRow): boolean => (r.visitors ?? 0) > 0 || (r.visits ?? 0) > 0 || (r.events ?? 0) > 0 || (r.pageviews ?? 0) > 0;
const finishedHasValue = (metrics: MetricValue[]): boolean => metrics.some((v) => (metricNumber(v) ?? 0) !== 0);

function vitalNames(q: Query): string[] {
  return q.metrics.filter((m) => m.endsWith('_p75')).map((m) => m.slice(0, -4).toUpperCase());
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  return a < b ? -1 : 1;
}

/** Explicit order_by first; then time ascending, first metric descending, labels ascending. */
function sortRows(q: Query, rows: FinishedRow[]): void {
  const keys: [(r: FinishedRow) => unknown, number][] = [];
  const field = (name: string): ((r: FinishedRow) => unknown) => {
    const mi = (q.metrics as string[]).indexOf(name);
    if (mi >= 0) return (r) => metricNumber(r.metrics[mi]);
    const di = q.dimensions.indexOf(name);
    return (r) => r.dims[di];
  };
  for (const [name, dir] of q.orderBy ?? []) keys.push([field(name), dir === 'asc' ? 1 : -1]);
  const timeDim = q.dimensions.find(isTimeDimension);
  if (!q.orderBy) {
    if (timeDim) keys.push([field(timeDim), 1]);
    keys.push([field(q.metrics[0]!), -1]);
  }
  q.dimensions.forEach((d) => keys.push([field(d), 1]));
  rows.sort((a, b) => {
    for (const [get, dir] of keys) {
      const c = compare(get(a), get(b));
      if (c) return c * dir;
    }
    return 0;
  });
}

/** Comparison rows match on non-time dimensions, and on the time bucket's position. */
function attachComparisons(q: Query, crange: DateRange, page: FinishedRow[], prev: FinishedRow[], out: QueryResult['results']): void {
  const ti = q.dimensions.findIndex(isTimeDimension);
  let shift = (d: (string | number)[]) => d;
  // a row with nothing in the comparison period still names its comparison bucket
  let unshift = (d: (string | number)[]) => d;
  if (ti >= 0 && q.granularity) {
    const labels = timeLabels(q.range, q.granularity, q.site.timezone);
    const cmpLabels = timeLabels(crange, q.granularity, q.site.timezone);
    // maps, not indexOf: every comparison row (unpaginated) looks up one of up to 10,080 labels
    const position = new Map(cmpLabels.map((l, i) => [l, i]));
    const current = new Map(labels.map((l, i) => [l, i]));
    shift = (d) => d.map((v, i) => (i === ti ? (labels[position.get(String(v)) ?? -1] ?? `~${v}`) : v));
    unshift = (d) => d.map((v, i) => (i === ti ? (cmpLabels[current.get(String(v)) ?? -1] ?? v) : v));
  }
  const byKey = new Map(prev.map((r) => [JSON.stringify(shift(r.dims)), r]));
  page.forEach((r, i) => {
    const p = byKey.get(JSON.stringify(r.dims));
    // no row in the comparison period: zeros (revenue in the current row's currency)
    const currencyOf = (v: MetricValue | undefined) => (v !== null && typeof v === 'object' ? v.currency : null);
    const pm = p?.metrics ?? q.metrics.map((m, k) => finishMetric(m, { dims: [] }, { revenueCurrency: currencyOf(r.metrics[k]) }));
    const pd = p?.dims ?? unshift(r.dims);
    out[i]!.comparison = {
      dimensions: pd.map((d, k) => dimensionLabel(q.dimensions[k]!, d)),
      metrics: pm,
      change: q.metrics.map((m, k) => change(m, r.metrics[k] ?? null, pm[k] ?? null)),
    };
  });
}

function echoQuery(q: Query, body: Record<string, unknown>): Record<string, unknown> {
  const timeDim = q.dimensions.find(isTimeDimension);
  const orderBy = q.orderBy ?? [...(timeDim ? [[timeDim, 'asc']] : []), [q.metrics[0], 'desc']];
  return {
    site_id: q.site.id,
    metrics: q.metrics,
    date_range: echoDateRange(q.range, q.site.timezone),
    dimensions: q.dimensions,
    filters: (body.filters as Filter[] | undefined) ?? [],
    order_by: orderBy,
    include: {
      time_labels: q.include.timeLabels,
      total_rows: q.include.totalRows,
      ...(q.include.imports ? { imports: true } : {}),
      ...(q.include.comparisons ? { comparisons: body.include && (body.include as Record<string, unknown>).comparisons } : {}),
    },
    pagination: { limit: q.limit, offset: q.offset },
  };
}
