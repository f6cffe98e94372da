/**
 * Request validation for `POST /api/v2/query`: shape first (unknown keys rejected, messages name
 * the JSON pointer of the bad part, as Plausible's), then the metric/dimension rules.
 */
import { HttpError } from '../lib/http-error';
import { autoGranularity, resolveDateRange } from './date-range';
import { parseFilters, walkLeaves } from './validate-filters';
import { checkTimeBuckets } from './range-limits';
import {
  isTimeDimension, isValidDimension, METRICS, SESSION_METRICS, type ComparisonMode, type Granularity,
  type Metric, type Query, type SiteInfo,
} from './types';

const bad = (message: string) => new HttpError(400, 'invalid_query', message);

const TOP_KEYS = ['site_id', 'metrics', 'date_range', 'dimensions', 'filters', 'order_by', 'include', 'pagination'];
export const MAX_LIMIT = 10_000;

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function rejectUnknownKeys(obj: Record<string, unknown>, allowed: string[], pointer: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) throw bad(`${pointer}/${key}: Unknown key "${key}"`);
  }
}

/**
 * JSON nesting a query ever needs: filters nest at most 8 deep (validate-filters.ts), two levels
 * each. A body tens of thousands of levels deep still fits in a small request, and
 * JSON.stringify or String() of it overflows the stack: refused before anything walks it.
 */
export const MAX_BODY_DEPTH = 64;

export function assertBodyDepth(body: unknown): void {
  // iterative: a recursive walk would overflow on exactly the bodies it is meant to refuse
  const stack: [unknown, number][] = [[body, 1]];
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_BODY_DEPTH) throw bad(`#: Request body is nested deeper than ${MAX_BODY_DEPTH} levels`);
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
}

/** Parses and validates a request body. `firstDataTs` is only consulted for `date_range: "all"`. */
export function parseQuery(body: unknown, site: SiteInfo, now: number, firstDataTs: number | null = null): Query {
  if (!isObject(body)) throw bad('#: Expected a JSON object');
  rejectUnknownKeys(body, TOP_KEYS, '#');
  const missing = ['site_id', 'metrics', 'date_range'].filter((k) => body[k] === undefined);
  if (missing.length) throw bad(`#: Required properties ${missing.join(', ')} were not present.`);
  if (body.site_id !== site.id) throw bad(`#/site_id: Invalid site_id "${String(body.site_id)}" for this request`);

  const metrics = parseMetrics(body.metrics);
  const dimensions = parseDimensions(body.dimensions);
  const filters = parseFilters(body.filters);
  const range = resolveDateRange(body.date_range, site, now, firstDataTs);
  const timeDims = dimensions.filter(isTimeDimension);
  if (timeDims.length > 1) throw bad('#/dimensions: Only one time dimension may be queried at a time');
  let granularity: Granularity | null = null;
  if (timeDims[0]) granularity = timeDims[0] === 'time' ? autoGranularity(range) : (timeDims[0] as Granularity);
  if (granularity === 'time:minute' && range.to - range.from > 7 * 86_400_000) {
    throw bad('#/dimensions: time:minute can only be queried for date ranges of up to 7 days');
  }
  if (granularity) checkTimeBuckets(range, granularity, '#/dimensions');
  const include = parseInclude(body.include, granularity !== null);
  const { limit, offset } = parsePagination(body.pagination);
  const orderBy = parseOrderBy(body.order_by, metrics, dimensions);

  const query: Query = {
    site, metrics, dimensions, granularity, filters, range, include, limit, offset, orderBy,
    dateRangeInput: body.date_range as Query['dateRangeInput'],
  };
  checkMetricRules(query);
  return query;
}

function parseMetrics(raw: unknown): Metric[] {
  if (!Array.isArray(raw) || raw.length === 0) throw bad('#/metrics: Expected a non-empty list of metrics');
  raw.forEach((m, i) => {
    if (typeof m !== 'string' || !(METRICS as readonly string[]).includes(m)) {
      throw bad(`#/metrics/${i}: Invalid metric ${JSON.stringify(m)}`);
    }
    if (raw.indexOf(m) !== i) throw bad('#/metrics: Expected items to be unique but they were not.');
  });
  return raw as Metric[];
}

function parseDimensions(raw: unknown): string[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw bad('#/dimensions: Expected a list of dimensions');
  raw.forEach((d, i) => {
    if (typeof d !== 'string' || !isValidDimension(d)) throw bad(`#/dimensions/${i}: Invalid dimension ${JSON.stringify(d)}`);
    if (raw.indexOf(d) !== i) throw bad(`#/dimensions/${i}: Dimension "${d}" is queried twice`);
  });
  return raw as string[];
}

function parseInclude(raw: unknown, hasTime: boolean): Query['include'] {
  const include: Query['include'] = { timeLabels: false, totalRows: false, imports: false, comparisons: null };
  if (raw === undefined) return include;
  if (!isObject(raw)) throw bad('#/include: Expected an object');
  // `imports` is accepted for Plausible clients that always send it: Pulse has no imported data
  rejectUnknownKeys(raw, ['time_labels', 'total_rows', 'comparisons', 'imports'], '#/include');
  for (const key of ['time_labels', 'total_rows', 'imports'] as const) {
    if (raw[key] !== undefined && typeof raw[key] !== 'boolean') throw bad(`#/include/${key}: Expected a boolean`);
  }
  include.timeLabels = raw.time_labels === true;
  include.totalRows = raw.total_rows === true;
  include.imports = raw.imports === true;
  if (include.timeLabels && !hasTime) throw bad('#/include/time_labels: Invalid include.time_labels: requires a time dimension');
  if (raw.comparisons !== undefined && raw.comparisons !== null) {
    const c = raw.comparisons;
    if (!isObject(c)) throw bad('#/include/comparisons: Expected an object');
    rejectUnknownKeys(c, ['mode', 'date_range', 'match_day_of_week'], '#/include/comparisons');
    if (!['previous_period', 'year_over_year', 'custom'].includes(c.mode as string)) {
      throw bad(`#/include/comparisons/mode: Invalid comparison mode ${JSON.stringify(c.mode)}`);
    }
    const dr = c.date_range;
    if (c.mode === 'custom' && !(Array.isArray(dr) && dr.length === 2 && dr.every((d) => typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d)))) {
      throw bad('#/include/comparisons/date_range: custom comparisons need a [date, date] range');
    }
    if (c.match_day_of_week !== undefined && typeof c.match_day_of_week !== 'boolean') {
      throw bad('#/include/comparisons/match_day_of_week: Expected a boolean');
    }
    include.comparisons = { mode: c.mode as ComparisonMode, dateRange: dr as [string, string] | undefined, matchDayOfWeek: c.match_day_of_week === true };
  }
  return include;
}

function parsePagination(raw: unknown): { limit: number; offset: number } {
  if (raw === undefined) return { limit: MAX_LIMIT, offset: 0 };
  if (!isObject(raw)) throw bad('#/pagination: Expected an object');
  rejectUnknownKeys(raw, ['limit', 'offset'], '#/pagination');
  const limit = raw.limit ?? MAX_LIMIT;
  const offset = raw.offset ?? 0;
  if (!Number.isInteger(limit) || (limit as number) < 1 || (limit as number) > MAX_LIMIT) {
    throw bad(`#/pagination/limit: Expected an integer between 1 and ${MAX_LIMIT}`);
  }
  if (!Number.isInteger(offset) || (offset as number) < 0) throw bad('#/pagination/offset: Expected a non-negative integer');
  return { limit: limit as number, offset: offset as number };
}

function parseOrderBy(raw: unknown, metrics: Metric[], dimensions: string[]): Query['orderBy'] {
  if (raw === undefined) return null;
  if (!Array.isArray(raw)) throw bad('#/order_by: Expected a list of [field, direction] pairs');
  return raw.map((entry, i) => {
    if (!Array.isArray(entry) || entry.length !== 2 || !['asc', 'desc'].includes(entry[1])) {
      throw bad(`#/order_by/${i}: Invalid order_by entry ${JSON.stringify(entry)}`);
    }
    const field: unknown = entry[0];
    // A field that is not a string is never a name; String() of a deeply nested array would
    // overflow the stack (a 500) before the message was built.
    if (typeof field !== 'string') throw bad(`#/order_by/${i}/0: Expected the name of a queried metric or dimension`);
    if (!(metrics as string[]).includes(field) && !dimensions.includes(field)) {
      throw bad(`#/order_by/${i}: Invalid order_by entry \`${field}\`. Entry is not a queried metric or dimension.`);
    }
    return [field, entry[1]] as [string, 'asc' | 'desc'];
  });
}

/** The rules Plausible enforces between metrics, dimensions and filters. */
function checkMetricRules(q: Query): void {
  const filterDims = new Set<string>();
  walkLeaves(q.filters, (leaf) => filterDims.add(leaf.dimension));
  const hasGoal = filterDims.has('event:goal') || q.dimensions.includes('event:goal');
  const eventDims = q.dimensions.filter((d) => d.startsWith('event:'));
  const sessionMetrics = q.metrics.filter((m) => SESSION_METRICS.includes(m));
  const nonPageEventDims = eventDims.filter((d) => d !== 'event:page');
  // Plausible's messages, full stops included (query_validations_test.exs), in its order of checks
  if (q.metrics.includes('views_per_visit')) {
    if (filterDims.has('event:page')) throw bad('Metric `views_per_visit` cannot be queried with a filter on `event:page`.');
    if (q.dimensions.length) throw bad('Metric `views_per_visit` cannot be queried with `dimensions`.');
  }
  if (sessionMetrics.length && nonPageEventDims.length) {
    throw bad(`Session metric(s) \`${sessionMetrics.join(', ')}\` cannot be queried along with event dimension(s) \`${nonPageEventDims.join(', ')}\``);
  }
  for (const m of ['conversion_rate', 'group_conversion_rate', 'average_revenue', 'total_revenue'] as const) {
    if (q.metrics.includes(m) && !hasGoal) throw bad(`Metric \`${m}\` can only be queried with event:goal filters or dimensions.`);
  }
  if (q.metrics.includes('group_conversion_rate') && q.dimensions.length === 0) {
    throw bad('Metric `group_conversion_rate` can only be queried with a dimension');
  }
  if (q.metrics.includes('percentage') && q.dimensions.length === 0) {
    throw bad('Metric `percentage` can only be queried with a dimension');
  }
  for (const m of ['scroll_depth', 'time_on_page'] as const) {
    if (q.metrics.includes(m) && !filterDims.has('event:page') && !q.dimensions.includes('event:page')) {
      throw bad(`Metric \`${m}\` can only be queried with event:page filters or dimensions`);
    }
  }
  const sessionOnly = q.dimensions.some((d) => d === 'visit:entry_page' || d === 'visit:exit_page');
  const sessionable = ['visitors', 'visits', 'pageviews', 'events', 'bounce_rate', 'visit_duration', 'views_per_visit', 'percentage'];
  const unsupported = q.metrics.filter((m) => !sessionable.includes(m));
  if (sessionOnly && (unsupported.length || eventDims.length)) {
    throw bad(`Metric(s) \`${[...unsupported, ...eventDims].join(', ')}\` cannot be queried along with visit:entry_page or visit:exit_page dimensions`);
  }
}
