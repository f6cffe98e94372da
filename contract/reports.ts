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
