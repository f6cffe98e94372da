/** The vocabulary of the Stats API v2 (DESIGN §4) and the validated query the engine runs. */

export const METRICS = [
  'visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration', 'events',
  'percentage', 'conversion_rate', 'group_conversion_rate', 'scroll_depth', 'time_on_page',
  'total_revenue', 'average_revenue', 'lcp_p75', 'inp_p75', 'cls_p75', 'fcp_p75', 'ttfb_p75', 'errors',
] as const;
export type Metric = (typeof METRICS)[number];

/** Metrics only the sessions table can answer (Plausible's "session metrics"). */
export const SESSION_METRICS: readonly Metric[] = ['bounce_rate', 'visit_duration', 'views_per_visit'];

export const VITAL_METRICS = { lcp_p75: 'LCP', inp_p75: 'INP', cls_p75: 'CLS', fcp_p75: 'FCP', ttfb_p75: 'TTFB' } as const;

export const TIME_DIMENSIONS = ['time', 'time:minute', 'time:hour', 'time:day', 'time:week', 'time:month'] as const;
export type TimeDimension = (typeof TIME_DIMENSIONS)[number];
export type Granularity = Exclude<TimeDimension, 'time'>;

export const SIMPLE_DIMENSIONS = [
  'event:page', 'event:hostname', 'event:name', 'event:goal',
  'visit:entry_page', 'visit:exit_page', 'visit:source', 'visit:referrer', 'visit:channel',
  'visit:utm_source', 'visit:utm_medium', 'visit:utm_campaign', 'visit:utm_content', 'visit:utm_term',
  'visit:device', 'visit:browser', 'visit:browser_version', 'visit:os', 'visit:os_version',
  'visit:country', 'visit:region', 'visit:city', 'visit:country_name', 'visit:region_name',
  'visit:city_name', 'visit:new_vs_returning',
] as const;

export function isTimeDimension(d: string): d is TimeDimension {
  return (TIME_DIMENSIONS as readonly string[]).includes(d);
}

export function isValidDimension(d: string): boolean {
  if ((SIMPLE_DIMENSIONS as readonly string[]).includes(d) || isTimeDimension(d)) return true;
  return /^event:props:[^"\\]{1,300}$/.test(d);
}

/** Dimensions that only exist on the sessions table. */
export const SESSION_ONLY_DIMENSIONS = ['visit:entry_page', 'visit:exit_page'];

export type FilterOp = 'is' | 'is_not' | 'contains' | 'contains_not' | 'matches' | 'matches_not';

export type Filter =
  | { op: FilterOp; dimension: string; values: string[]; caseSensitive: boolean }
  /** internal: an exact set of values, resolved from a regex or wildcard (never user-given) */
  | { op: 'in_set' | 'not_in_set'; dimension: string; values: string[]; caseSensitive: true }
  /** `sequence`: ordered steps within a session (sequence.ts); the other two combine conditions */
  | { op: 'and' | 'or' | 'sequence'; filters: Filter[] }
  | { op: 'not'; filter: Filter }
  | { op: 'has_done' | 'has_not_done'; filter: Filter };

export type LeafFilter = Extract<Filter, { dimension: string }>;

export interface SiteInfo {
  id: string;
  timezone: string;
  createdAt: number;
}

export interface DateRange {
  /** first instant, epoch ms (inclusive) */
  from: number;
  /** end instant, epoch ms (exclusive) */
  to: number;
  /** local calendar dates the range touches, inclusive */
  firstDay: string;
  lastDay: string;
  /** true when the range is made of whole local days (rollups can answer it) */
  wholeDays: boolean;
}

export type ComparisonMode = 'previous_period' | 'year_over_year' | 'custom';

export interface Include {
  timeLabels: boolean;
  totalRows: boolean;
  /** asked for imported data (Pulse has none: meta says so, as Plausible does) */
  imports: boolean;
  comparisons: { mode: ComparisonMode; dateRange?: [string, string]; matchDayOfWeek: boolean } | null;
}

export interface Query {
  site: SiteInfo;
  metrics: Metric[];
  /** as given, e.g. `time` is kept here; `granularity` says what it resolved to */
  dimensions: string[];
  granularity: Granularity | null;
  filters: Filter[];
  range: DateRange;
  /** the request's date_range, echoed back in `query` */
  dateRangeInput: string | [string, string];
  orderBy: [string, 'asc' | 'desc'][] | null;
  include: Include;
  limit: number;
  offset: number;
}

/** One group of a plan's output: dimension labels and the base sums metrics are finished from. */
export interface BaseRow {
  dims: (string | number)[];
  visitors?: number;
  pageviews?: number;
  events?: number;
  visits?: number;
  /** sessions the session sums cover (by page: sessions that viewed it); `visits` when absent */
  sessionCount?: number;
  bounces?: number;
  /** sessions bounce rate is judged on (entered on the page, under page filters or by page); `visits` when absent */
  bounceSessions?: number;
  duration?: number;
  /** sessions visit duration averages over (by page: those that entered on it, as Plausible); `sessionCount` when absent */
  durationSessions?: number;
  /** sessions' pageviews, for views_per_visit */
  sessionPageviews?: number;
  revenue?: number;
  revenueEvents?: number;
  /** distinct currencies of the revenue summed (Pulse converts none) and one of them */
  revenueCurrencies?: number;
  revenueCurrency?: string | null;
  errors?: number;
  scrollDepth?: number | null;
  timeOnPage?: number | null;
  vitals?: Partial<Record<keyof typeof VITAL_METRICS, number | null>>;
}

/** The sums a plan must produce; metrics are finished from them (metrics.ts). */
export type Need =
  | 'visitors' | 'pageviews' | 'events' | 'visits' | 'bounces' | 'duration' | 'sessionPageviews'
  | 'revenue' | 'errors' | 'engagement' | 'vitals';

/** What a plan (raw or rollup) computes: grouped base sums for one range. */
export interface BaseQuery {
  site: SiteInfo;
  range: DateRange;
  /** as in the query; a time dimension is bucketed by `granularity` */
  dimensions: string[];
  granularity: Granularity | null;
  filters: Filter[];
  needs: Set<Need>;
  /** vital metric names (LCP, …) when `vitals` is needed */
  vitals: string[];
  /** the request's clock: which days have hourly rollups depends on it */
  now: number;
  /**
   * Only the first `topK` rows by visitors (descending) are shown: rows that cannot reach them may
   * carry a lower bound for visitors (rollup-plan.ts), never more than the rows shown.
   */
  topK?: number;
  /** only these values of the breakdown are needed (goal pages): the rest need not be read */
  onlyValues?: string[];
}
