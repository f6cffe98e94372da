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
  meta: { date_range: [string, string]; window: FunnelWindow; note?: string };
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
  meta: { interval: RetentionInterval; date_range: [string, string]; note: string };
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
  meta: { date_range: [string, string]; start: string | null; steps: number; sessions: number };
}
