/** Types of the Stats API v2 (`POST /api/v2/query`, wire-compatible with Plausible's, DESIGN §4). */

export type Metric =
  | 'visitors' | 'visits' | 'pageviews' | 'views_per_visit' | 'bounce_rate' | 'visit_duration' | 'events'
  | 'percentage' | 'conversion_rate' | 'group_conversion_rate' | 'scroll_depth' | 'time_on_page'
  | 'total_revenue' | 'average_revenue'
  | 'lcp_p75' | 'inp_p75' | 'cls_p75' | 'fcp_p75' | 'ttfb_p75' | 'errors';

export type Dimension =
  | 'event:page' | 'event:hostname' | 'event:name' | 'event:goal' | `event:props:${string}`
  | 'visit:entry_page' | 'visit:exit_page' | 'visit:source' | 'visit:referrer' | 'visit:channel'
  | 'visit:utm_source' | 'visit:utm_medium' | 'visit:utm_campaign' | 'visit:utm_content' | 'visit:utm_term'
  | 'visit:device' | 'visit:browser' | 'visit:browser_version' | 'visit:os' | 'visit:os_version'
  | 'visit:country' | 'visit:region' | 'visit:city' | 'visit:country_name' | 'visit:region_name' | 'visit:city_name'
  | 'visit:new_vs_returning'
  | 'time' | 'time:minute' | 'time:hour' | 'time:day' | 'time:week' | 'time:month';

export type DateRange =
  | 'day' | '24h' | '7d' | '28d' | '30d' | '91d' | 'month' | '6mo' | '12mo' | 'year' | 'all'
  | `${number}d`
  | [string, string];

export type FilterOp = 'is' | 'is_not' | 'contains' | 'contains_not' | 'matches' | 'matches_not';

/**
 * `[op, dimension, values, {case_sensitive}?]`, combined with `and` / `or` / `not`, or `has_done` /
 * `has_not_done`; `["is", "segment", [id]]` applies saved segments; `["sequence", [steps]]` keeps
 * visits in which the steps happened in order (Plausible's sequence filter).
 */
export type Filter =
  | ['is', 'segment', number[]]
  | [FilterOp, Dimension, (string | number)[]]
  | [FilterOp, Dimension, (string | number)[], { case_sensitive?: boolean }]
  | ['and' | 'or', Filter[]]
  | ['not' | 'has_done' | 'has_not_done', Filter]
  | ['sequence', Filter[]];

export interface QueryRequest {
  site_id: string;
  metrics: Metric[];
  date_range: DateRange;
  dimensions?: Dimension[];
  filters?: Filter[];
  order_by?: [Metric | Dimension, 'asc' | 'desc'][];
  include?: { time_labels?: boolean; total_rows?: boolean; comparisons?: ComparisonRequest };
  pagination?: { limit?: number; offset?: number };
}

/** A revenue metric's value (`total_revenue`, `average_revenue`), as Plausible's. */
export interface Money {
  short: string;
  long: string;
  value: number;
  currency: string;
}

/** A metric in a row: revenue metrics are {@link Money}, the others numbers; null without data. */
export type MetricValue = number | null | Money;

/** `include.comparisons`, Plausible's modes; `match_day_of_week` moves the compared days to the same weekdays. */
export type ComparisonRequest =
  | { mode: 'previous_period' | 'year_over_year'; match_day_of_week?: boolean }
  | { mode: 'custom'; date_range: [string, string] };

export interface QueryResultRow {
  metrics: MetricValue[];
  dimensions: string[];
  comparison?: { dimensions: string[]; metrics: MetricValue[]; change: (number | null)[] };
}

export interface QueryResponse {
  results: QueryResultRow[];
  meta: { time_labels?: string[]; total_rows?: number; warning?: string; [key: string]: unknown };
  query: QueryRequest & Record<string, unknown>;
}

/** Saved segments (contract/segments.ts). */
export type { Segment, SegmentCreate, SegmentFilter, SegmentScope, SegmentUpdate } from './segments';

/** `GET /api/v1/sites/{site}/realtime`: the live snapshot (contract/realtime.ts). */
export type { RealtimeSnapshot } from './realtime';

/** Common query-string parameters of the `/api/v1/sites/{site}/…` read routes. */
export interface RangeParams {
  period?: string;
  date?: string;
  from?: string;
  to?: string;
  [key: string]: string | number | boolean | undefined;
}
