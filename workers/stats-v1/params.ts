/**
 * The Stats API v1 URL parameters (`period`, `date`, `metrics`, `interval`, `limit`, `page`) as
 * Plausible's ExternalStatsController validates them, with its messages, and the v1 periods as
 * the [first, last] local dates of a Stats API v2 `date_range`.
 */
import { HttpError } from '../lib/http-error';
import { addDays, addMonths } from '../lib/timezone';
import { validDate } from '../query/date-range';

const bad = (message: string) => new HttpError(400, 'invalid_request', message);
const DOCS_PERIODS = 'https://plausible.io/docs/stats-api#time-periods';

export const V1_PERIODS = ['day', '7d', '30d', 'month', '6mo', '12mo', 'custom'] as const;
export type V1Period = (typeof V1_PERIODS)[number];

const monthStart = (d: string) => `${d.slice(0, 7)}-01`;
const monthEnd = (d: string) => addDays(monthStart(addMonths(monthStart(d), 1)), -1);

/** `Date.from_iso8601`'s two failures, as Plausible words them. */
function dateError(d: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) return 'invalid_format';
  return validDate(d) ? null : 'invalid_date';
}

export interface V1Range {
  period: V1Period;
  dates: [string, string];
}

/**
 * Plausible's legacy periods, ending on `date` (default today in the site's zone): `day` that day,
 * `7d` the 7 days to it, `30d` the 30 days before it and the day itself (31 dates, as Plausible's
 * legacy query builder has it), `month` its calendar month, `6mo`/`12mo` whole months up to its month.
 * No period is `30d`.
 */
export function resolveV1Period(params: URLSearchParams, today: string): V1Range {
  const period = (params.get('period') ?? '30d') as V1Period;
  const date = params.get('date');
  if (!V1_PERIODS.includes(period)) {
    throw bad(`Error parsing \`period\` parameter: invalid period \`${period.slice(0, 100)}\`. Please find accepted values in our docs: ${DOCS_PERIODS}`);
  }
  if (period === 'custom') {
    if (date === null) throw bad(`The \`date\` parameter is required when using a custom period. See ${DOCS_PERIODS}`);
    const parts = date.split(',').map((s) => s.trim());
    if (parts.length !== 2 || parts.some((p) => dateError(p) !== null)) {
      throw bad(`Invalid format for \`date\` parameter. When using a custom period, please include two ISO-8601 formatted dates joined by a comma. See ${DOCS_PERIODS}`);
    }
    return { period, dates: [parts[0]!, parts[1]!] };
  }
  let end = today;
  if (date !== null && date !== 'today') {
    const error = dateError(date);
    if (error) throw bad(`Error parsing \`date\` parameter: ${error}. Please specify a valid date in ISO-8601 format.`);
    end = date;
  }
  switch (period) {
    case 'day':
      return { period, dates: [end, end] };
    case '7d':
      return { period, dates: [addDays(end, -6), end] };
    case '30d':
      return { period, dates: [addDays(end, -30), end] };
    case 'month':
      return { period, dates: [monthStart(end), monthEnd(end)] };
    case '6mo':
    case '12mo': {
      const months = period === '6mo' ? 5 : 11;
      return { period, dates: [monthStart(addMonths(monthStart(end), -months)), monthEnd(end)] };
    }
  }
}

/** Metrics the v1 endpoints know; Plausible's `validate_metric` list. */
export const V1_METRICS = ['visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration', 'events', 'conversion_rate', 'time_on_page'];
const SESSION_METRICS = ['visits', 'bounce_rate', 'visit_duration', 'views_per_visit'];
const eventOnly = (p: string) => p === 'event:name' || p === 'event:goal' || p.startsWith('event:props:');

/**
 * `metrics` (default `visitors`), checked against the query's breakdown property and filtered
 * properties with Plausible's rules and messages.
 */
export function parseV1Metrics(raw: string | null, property: string | null, filtered: string[]): string[] {
  const metrics = (raw ?? 'visitors').split(',');
  if (new Set(metrics).size !== metrics.length) throw bad('Metrics cannot be queried multiple times.');
  const dims = property ? [property] : [];
  const filters = (d: string) => filtered.includes(d);
  for (const m of metrics) {
    if (!V1_METRICS.includes(m)) {
      throw bad(`The metric \`${m.slice(0, 100)}\` is not recognized. Find valid metrics from the documentation: https://plausible.io/docs/stats-api#metrics`);
    }
    if (m === 'time_on_page') {
      if (filters('event:goal')) throw bad(`Metric \`${m}\` cannot be queried when filtering by \`event:goal\``);
      if (filters('event:name')) throw bad(`Metric \`${m}\` cannot be queried when filtering by \`event:name\``);
      if (property === 'event:page') continue;
      if (dims.length) throw bad(`Metric \`${m}\` is not supported in breakdown queries (except \`event:page\` breakdown)`);
      if (!filters('event:page')) throw bad(`Metric \`${m}\` can only be queried in a page breakdown or with a page filter.`);
    }
    if (m === 'conversion_rate' && property !== 'event:goal' && !filters('event:goal')) {
      throw bad(`Metric \`${m}\` can only be queried in a goal breakdown or with a goal filter`);
    }
    if (m === 'views_per_visit') {
      if (filters('event:page')) throw bad(`Metric \`${m}\` cannot be queried with a filter on \`event:page\`.`);
      if (dims.length) throw bad(`Metric \`${m}\` is not supported in breakdown queries.`);
    }
    if (SESSION_METRICS.includes(m)) {
      if (property && eventOnly(property)) throw bad(`Session metric \`${m}\` cannot be queried for breakdown by \`${property}\`.`);
      const f = filtered.find(eventOnly);
      if (f) throw bad(`Session metric \`${m}\` cannot be queried when using a filter on \`${f}\`.`);
    }
  }
  return metrics;
}

export const MAX_BREAKDOWN_LIMIT = 1000;

/** `limit` (1–1000, default 100) and `page` (from 1) of a breakdown. */
export function parseV1Page(params: URLSearchParams): { limit: number; page: number } {
  const limitRaw = params.get('limit');
  const pageRaw = params.get('page');
  const limit = limitRaw === null ? 100 : /^\d+$/.test(limitRaw) ? Number(limitRaw) : NaN;
  if (!(limit >= 1 && limit <= MAX_BREAKDOWN_LIMIT)) throw bad(`Please provide limit as a number between 1 and ${MAX_BREAKDOWN_LIMIT}.`);
  const page = pageRaw === null ? 1 : /^\d{1,9}$/.test(pageRaw) ? Number(pageRaw) : NaN;
  if (!(page >= 1)) throw bad('Please provide page as a positive number.');
  return { limit, page };
}

/**
 * `interval` of a timeseries: `date` (an alias of `day`) or `month`, as Plausible's v1 accepts;
 * absent, Plausible's default for the period: hours for `day`, months for `6mo`/`12mo`, days
 * otherwise (custom ranges included).
 */
export function parseV1Interval(raw: string | null, range: V1Range): 'time:hour' | 'time:day' | 'time:month' {
  if (raw !== null) {
    const interval = raw === 'date' ? 'day' : raw;
    if (interval !== 'day' && interval !== 'month') {
      throw bad(`Error parsing \`interval\` parameter: invalid interval \`${raw.slice(0, 100)}\`. Valid intervals are \`day\`, \`month\``);
    }
    return interval === 'day' ? 'time:day' : 'time:month';
  }
  if (range.period === 'day') return 'time:hour';
  return range.period === '6mo' || range.period === '12mo' ? 'time:month' : 'time:day';
}
