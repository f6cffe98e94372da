/**
 * A Stats API v1 request as a Stats API v2 body for the one planner (`runQuery`), and the v2
 * answer back in Plausible's v1 shapes. Nothing here counts: every number comes from runQuery.
 */
import { HttpError } from '../lib/http-error';
import type { QueryResult } from '../query/run-query';
import type { MetricValue } from '../query/revenue';
import type { Goal } from '../lib/goals';
import { parseV1Filters, isV1Property } from './filters';
import { parseV1Interval, parseV1Metrics, parseV1Page, resolveV1Period, type V1Range } from './params';

const bad = (message: string) => new HttpError(400, 'invalid_request', message);
const PROPERTIES_DOCS = 'https://plausible.io/docs/stats-api#properties';

export type V1Endpoint = 'aggregate' | 'timeseries' | 'breakdown';

export interface V1Plan {
  endpoint: V1Endpoint;
  /** the body runQuery answers */
  body: Record<string, unknown>;
  /** the metrics asked for, in order, under their v1 names */
  metrics: string[];
  /** v2 metric names, in the order of `body.metrics` (may add `visitors` for ordering) */
  v2Metrics: string[];
  range: V1Range;
  property: string | null;
  compare: boolean;
}

/** Breakdowns Plausible's v1 keeps apart from their parent (a browser version is per browser). */
const BREAKDOWN_DIMENSIONS: Record<string, string[]> = {
  'visit:browser_version': ['visit:browser', 'visit:browser_version'],
  'visit:os_version': ['visit:os', 'visit:os_version'],
};

/**
 * Blank values Plausible's v1 breakdown leaves out (no UTM tag, unknown country, no entry page);
 * Pulse's blank labels for them (query/sql.ts).
 */
const BLANK_LABELS: Record<string, string> = {
  'visit:utm_source': '(not set)', 'visit:utm_medium': '(not set)', 'visit:utm_campaign': '(not set)',
  'visit:utm_content': '(not set)', 'visit:utm_term': '(not set)', 'visit:country': '(not set)',
  'visit:region': '(not set)', 'visit:city': '(not set)', 'visit:entry_page': '(none)', 'visit:exit_page': '(none)',
};

function validateProperty(property: string | null): string {
  if (property === null) throw bad('The `property` parameter is required. Please provide at least one property to show a breakdown by.');
  if (property === 'event:hostname') {
    throw bad(`Property 'event:hostname' is currently not supported for breakdowns.  Please provide a valid property for the breakdown endpoint: ${PROPERTIES_DOCS}`);
  }
  if (!isV1Property(property)) throw bad(`Invalid property '${property.slice(0, 200)}'. Please provide a valid property for the breakdown endpoint: ${PROPERTIES_DOCS}`);
  return property;
}

/** Goal filters must name configured goals (Plausible's message, a 400 rather than an empty answer). */
function checkGoalFilters(filters: [string, string, string[]][], goals: Goal[]): void {
  const names = new Set(goals.map((g) => g.name));
  for (const [, dim, values] of filters) {
    if (dim !== 'event:goal') continue;
    const missing = values.find((v) => !names.has(v));
    if (missing === undefined) continue;
    const what = missing.startsWith('Visit ') ? `The pageview goal for the pathname \`${missing.slice(6)}\` is not configured for this site. ` : `The goal \`${missing}\` is not configured for this site. `;
    throw bad(`${what}Find out how to configure goals here: https://plausible.io/docs/stats-api#filtering-by-goals`);
  }
}

/** Checks a v1 request and builds the v2 query that answers it. */
export function planV1(endpoint: V1Endpoint, params: URLSearchParams, site: string, today: string, goals: Goal[]): V1Plan {
  const range = resolveV1Period(params, today);
  const compareRaw = params.get('compare');
  if (compareRaw !== null && compareRaw !== 'previous_period') {
    throw bad(`Error parsing \`compare\` parameter: invalid value \`${compareRaw.slice(0, 100)}\`. The only accepted value is \`previous_period\``);
  }
  const compare = compareRaw === 'previous_period' && endpoint !== 'timeseries';
  const property = endpoint === 'breakdown' ? validateProperty(params.get('property')) : null;
  const interval = endpoint === 'timeseries' ? parseV1Interval(params.get('interval'), range) : null;
  const filters = parseV1Filters(params.get('filters'));
  checkGoalFilters(filters, goals);
  const metrics = parseV1Metrics(params.get('metrics'), property, filters.map((f) => f[1]));

  // conversion_rate of a group (a time bucket, a page) is v2's group_conversion_rate
  const groupRate = (endpoint === 'timeseries') || (property !== null && property !== 'event:goal' && !property.startsWith('event:props:'));
  let v2Metrics = metrics.map((m) => (m === 'conversion_rate' && groupRate ? 'group_conversion_rate' : m));
  const body: Record<string, unknown> = { site_id: site, date_range: range.dates, filters };
  if (endpoint === 'timeseries') {
    body.dimensions = [interval];
    body.include = { time_labels: true };
  }
  if (property !== null) {
    // a breakdown is ordered by a metric; time_on_page alone is not one, so visitors come along
    const orderMetric = v2Metrics.find((m) => m !== 'time_on_page');
    if (!orderMetric) v2Metrics = [...v2Metrics, 'visitors'];
    const dims = BREAKDOWN_DIMENSIONS[property] ?? [property];
    const { limit, page } = parseV1Page(params);
    body.dimensions = dims;
    body.order_by = [[orderMetric ?? 'visitors', 'desc'], ...(property === 'event:goal' ? [] : [[dims.at(-1), 'asc']])];
    body.pagination = { limit, offset: (page - 1) * limit };
    const blank = BLANK_LABELS[property];
    if (blank) body.filters = [...filters, ['is_not', property, [blank]]];
  }
  if (compare) body.include = { comparisons: { mode: 'previous_period' } };
  body.metrics = v2Metrics;
  return { endpoint, body, metrics, v2Metrics, range, property, compare };
}

/** bounce_rate and visit_duration are whole numbers in v1 aggregates (Plausible rounds them). */
const ROUNDED = ['bounce_rate', 'visit_duration'];
const v1Value = (metric: string, v: MetricValue | undefined): MetricValue => {
  if (v === undefined) return null;
  return ROUNDED.includes(metric) && typeof v === 'number' ? Math.round(v) : v;
};

/** The key of a breakdown row's dimension: `visit:source` → `source`, `event:props:author` → `author`. */
export function resultKey(dimension: string): string {
  if (dimension.startsWith('event:props:')) return dimension.slice('event:props:'.length);
  return dimension.replace(/^(event|visit):/, '');
}

/** Plausible's v1 JSON for a v2 result. */
export function shapeV1(plan: V1Plan, result: QueryResult): unknown {
  const index = (m: string) => plan.v2Metrics.indexOf(m === 'conversion_rate' && !plan.v2Metrics.includes(m) ? 'group_conversion_rate' : m);
  if (plan.endpoint === 'aggregate') {
    const row = result.results[0];
    const results: Record<string, unknown> = {};
    for (const m of plan.metrics) {
      const i = index(m);
      const entry: Record<string, unknown> = { value: v1Value(m, row?.metrics[i] ?? 0) };
      if (plan.compare && row?.comparison) {
        entry.comparison_value = v1Value(m, row.comparison.metrics[i]);
        entry.change = row.comparison.change[i] ?? null;
      }
      results[m] = entry;
    }
    return { results };
  }
  if (plan.endpoint === 'timeseries') {
    const byLabel = new Map(result.results.map((r) => [String(r.dimensions[0]), r.metrics]));
    const labels = (result.meta.time_labels as string[] | undefined) ?? [];
    return {
      results: labels.map((date) => {
        const values = byLabel.get(date);
        const row: Record<string, unknown> = { date };
        // an empty bucket is zero, as Plausible's default values (time on page has none)
        for (const m of plan.metrics) row[m] = values ? (values[index(m)] ?? null) : m === 'time_on_page' ? null : 0;
        return row;
      }),
    };
  }
  const dims = plan.body.dimensions as string[];
  const keys = dims.map(resultKey);
  return {
    results: result.results.map((r) => {
      const row: Record<string, unknown> = {};
      keys.forEach((k, i) => (row[k] = r.dimensions[i]));
      // the metrics asked for: visitors added only to order a time_on_page breakdown are not shown (as Plausible)
      for (const m of plan.metrics) row[m] = r.metrics[index(m)];
      if (plan.compare && r.comparison) {
        const comparison: Record<string, unknown> = {};
        const change: Record<string, unknown> = {};
        for (const m of plan.metrics) {
          comparison[m] = r.comparison.metrics[index(m)];
          change[m] = r.comparison.change[index(m)];
        }
        row.comparison = { ...comparison, change };
      }
      return row;
    }),
  };
}
