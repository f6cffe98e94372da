/**
 * Wire types of the behaviour reports (DESIGN §4a): what `workers/reports/` answers and the typed
 * client (`sdk/client/`) returns, defined once so the two cannot drift.
 */

export type FunnelWindow = 'session' | '24h' | '7d';

export interface FunnelStepResult {
  name: string;
  /** visitors who reached steps 1…k in order */
  visitors: number;
  /** % of step 1, 1 decimal */
  conversion_rate: number;
  /** % of the previous step, 1 decimal */
  step_conversion_rate: number;
  /** visitors lost since the previous step */
  dropoff: number;
  /** median seconds from the previous step; null on step 1 or when nobody reached it */
  median_seconds: number | null;
}

/** `GET …/funnels/{id}` and `POST …/funnels/query`. */
export interface FunnelReport {
  funnel: { id: string | null; name: string };
  steps: FunnelStepResult[];
  /**
   * `plan`: from the stored funnel's daily rows (workers/reports/funnels/preagg-read.ts) or raw events;
   * `median_error_bound` (pre-aggregated only): medians are within this share of the exact ones
   */
  meta: { date_range: [string, string]; window: FunnelWindow; note?: string; plan: 'pre-aggregated' | 'raw'; median_error_bound?: number };
}

export interface RetentionCohort {
  /** first day of the interval, `YYYY-MM-DD` */
  cohort: string;
  visitors: number;
  /** retained[k]: cohort members active k intervals after their first */
  retained: number[];
  percent: number[];
}

export type RetentionInterval = 'day' | 'week' | 'month';

/** `GET …/retention`. */
export interface RetentionReport {
  cohorts: RetentionCohort[];
  /** `plan`: answered from the pre-aggregates (workers/reports/retention/preagg.ts) or the raw sessions */
  meta: { interval: RetentionInterval; date_range: [string, string]; note: string; plan: 'pre-aggregated' | 'raw' };
}

export interface JourneyPath {
  /** page paths, `(exit)` last where the session ended */
  pages: string[];
  sessions: number;
  visitors: number;
}

export interface JourneyTransition {
  /** 1: from the first position to the second */
  step: number;
  from: string;
  to: string;
  sessions: number;
}

/** `GET …/journeys`. */
export interface JourneysReport {
  paths: JourneyPath[];
  transitions: JourneyTransition[];
  /** `plan`: `pre-aggregated` (journey_daily: from the entry page, no filters) or `raw` (bounded) */
  meta: { date_range: [string, string]; start: string | null; steps: number; sessions: number; plan: 'raw' | 'pre-aggregated' };
}

/**
 * Answers of the vitals and errors reports (`GET /api/v1/sites/{site}/vitals`, `…/errors`,
 * `…/errors/{fingerprint}`; DESIGN §4a), shared by the Worker (workers/reports/), the API client
 * and the dashboard.
 */

/** One Core Web Vital of a row: p75 and the web.dev threshold shares (percent, 1 decimal). */
export interface VitalMetricAnswer {
  p75: number | null;
  samples: number;
  good: number;
  needs_improvement: number;
  poor: number;
}

export interface VitalsRow {
  /** the row's page, device, browser or country (absent in totals) */
  dimension?: string;
  /** samples of the row's most-measured metric (about the measured page views) */
  samples: number;
  LCP: VitalMetricAnswer;
  INP: VitalMetricAnswer;
  CLS: VitalMetricAnswer;
  FCP: VitalMetricAnswer;
  TTFB: VitalMetricAnswer;
  /** navigation timing, p75 in ms */
  page_load: { ttfb: number | null; first_paint: number | null; dom_complete: number | null };
}

export type VitalsDimension = 'event:page' | 'visit:device' | 'visit:browser' | 'visit:country';

export interface VitalsReport {
  results: VitalsRow[];
  totals: VitalsRow;
  timeseries?: { date: string; LCP: number | null; INP: number | null; CLS: number | null; FCP: number | null; TTFB: number | null }[];
  meta: { dimension: VitalsDimension | null; date_range: [string, string]; method: 'exact' | 'histogram'; error_bound: number; rows_read: number };
}

export interface ErrorGroup {
  fingerprint: string;
  message: string | null;
  source: string | null;
  line: number | null;
  events: number;
  /** daily distinct visitors, summed over the days */
  visitors: number;
  first_seen: string;
  last_seen: string;
  pages: { page: string; events: number; visitors: number }[];
  browsers: { browser: string; events: number; visitors: number }[];
}

export interface ErrorGroupDetail extends ErrorGroup {
  daily: { date: string; events: number; visitors: number }[];
  stacks: { stack: string; last_seen: string }[];
}

export interface ErrorsReport {
  results: ErrorGroup[];
  meta: { date_range: [string, string]; groups: number; rows_read: number };
}

export interface ErrorDetailReport {
  result: ErrorGroupDetail;
  meta: { date_range: [string, string] };
}
