/**
 * Date ranges of the Stats API v2, resolved in the site's time zone, and the time buckets
 * (`time_labels`) a time dimension spans.
 */
import { HttpError } from '../lib/http-error';
import {
  addDays, addMonths, DAY_MS, dayStart, daysBetween, eachDay, formatLocalIso, localDay, localToUtc, tzOffset,
} from '../lib/timezone';
import { checkDays, checkRange, earliestDay, MIN_DAY } from './range-limits';
import type { DateRange, Granularity, SiteInfo } from './types';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

const bad = (message: string) => new HttpError(400, 'invalid_query', message);

/** Whole local days [first, last], inclusive. */
export function dayRange(first: string, last: string, tz: string): DateRange {
  // the next day's midnight from the parts: `addDays('9999-12-31', 1)` has no four-digit year
  const [y, m, d] = last.split('-').map(Number) as [number, number, number];
  return { from: dayStart(first, tz), to: localToUtc(y, m, d + 1, 0, 0, 0, tz), firstDay: first, lastDay: last, wholeDays: true };
}

export function validDate(d: string): boolean {
  if (!DATE.test(d)) return false;
  const t = Date.parse(`${d}T00:00:00Z`); // NaN for a month 13: toISOString would throw
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d;
}

/** A datetime without an offset is wall-clock time in the site's zone (as Plausible reads it). */
function parseDatetime(s: string, tz: string): number | null {
  if (!DATETIME.test(s)) return null;
  if (/(Z|[+-]\d{2}:\d{2})$/.test(s)) {
    const t = Date.parse(s);
    return Number.isNaN(t) ? null : t;
  }
  const [date, time] = s.split('T') as [string, string];
  if (!validDate(date)) return null;
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi, sec] = time.split(':').map((x) => Math.floor(Number(x))) as [number, number, number];
  if (h > 23 || mi > 59 || sec > 59) return null;
  return localToUtc(y, m, d, h, mi, sec, tz);
}

/**
 * `Nd` ends yesterday (DESIGN §4); `month`, `6mo`, `12mo` and `year` run to the end of the current
 * period, as Plausible's do; `all` starts at the site's first data.
 */
export function resolveDateRange(input: unknown, site: SiteInfo, now: number, firstDataTs: number | null): DateRange {
  return checkRange(parseDateRange(input, site, now, firstDataTs), '#/date_range');
}

function parseDateRange(input: unknown, site: SiteInfo, now: number, firstDataTs: number | null): DateRange {
  const tz = site.timezone;
  const today = localDay(now, tz);
  if (typeof input === 'string') {
    const nd = /^(\d+)d$/.exec(input);
    if (nd && ['7', '28', '30', '91'].includes(nd[1]!)) {
      const n = Number(nd[1]);
      return dayRange(addDays(today, -n), addDays(today, -1), tz);
    }
    const month1 = `${today.slice(0, 7)}-01`;
    const monthEnd = addDays(addMonths(month1, 1), -1);
    switch (input) {
      case 'day':
        return dayRange(today, today, tz);
      case '24h': {
        const to = Math.floor(now / 1000) * 1000 + 1000;
        const from = to - DAY_MS;
        return { from, to, firstDay: localDay(from, tz), lastDay: localDay(to - 1, tz), wholeDays: false };
      }
      case 'month':
        return dayRange(month1, monthEnd, tz);
      case '6mo':
        return dayRange(addMonths(month1, -5), monthEnd, tz);
      case '12mo':
        return dayRange(addMonths(month1, -11), monthEnd, tz);
      case 'year':
        return dayRange(`${today.slice(0, 4)}-01-01`, `${today.slice(0, 4)}-12-31`, tz);
      case 'all': {
        // from the first data, but no further back than the longest range a query may span
        const start = localDay(Math.min(site.createdAt, firstDataTs ?? site.createdAt, now), tz);
        const first = earliestDay(today);
        return dayRange(start > first ? start : first, today, tz);
      }
    }
    throw bad(`#/date_range: Invalid date range "${input}"`);
  }
  if (Array.isArray(input) && input.length === 2 && input.every((x) => typeof x === 'string')) {
    const [a, b] = input as [string, string];
    if (validDate(a) && validDate(b)) {
      if (a > b) throw bad('#/date_range: Invalid date range: the first date is after the second');
      return dayRange(a, b, tz);
    }
    const from = parseDatetime(a, tz);
    const toIncl = parseDatetime(b, tz);
    if (from !== null && toIncl !== null) {
      // the end is inclusive to the second, as Plausible's `timestamp <= last`
      const to = Math.floor(toIncl / 1000) * 1000 + 1000;
      if (from >= to) throw bad('#/date_range: Invalid date range: the start is not before the end');
      const firstDay = localDay(from, tz);
      const lastDay = localDay(to - 1, tz);
      checkDays(firstDay, lastDay, '#/date_range'); // before day arithmetic on a five-digit year
      const wholeDays = from === dayStart(firstDay, tz) && to === dayRange(lastDay, lastDay, tz).to;
      return { from, to, firstDay, lastDay, wholeDays };
    }
  }
  throw bad(`#/date_range: Invalid date range ${JSON.stringify(input)}`);
}

/** The range echoed back in `query.date_range`, as Plausible does: local ISO datetimes. */
export function echoDateRange(range: DateRange, tz: string): [string, string] {
  return [formatLocalIso(range.from, tz), formatLocalIso(range.to - 1000, tz)];
}

/** What the bare `time` dimension means for a range. */
export function autoGranularity(range: DateRange): Granularity {
  const days = daysBetween(range.firstDay, range.lastDay) + 1;
  if (days <= 1) return 'time:hour';
  if (days <= 40) return 'time:day';
  if (days <= 183) return 'time:week';
  return 'time:month';
}

/** Monday of the week containing `date`, but never before the range's first day (Plausible). */
export function weekLabel(date: string, firstDay: string): string {
  const dow = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7; // 0 = Monday
  const monday = addDays(date, -dow);
  return monday < firstDay ? firstDay : monday;
}

/** Every bucket label of the range, in order (Plausible's `meta.time_labels`). */
export function timeLabels(range: DateRange, granularity: Granularity, tz: string): string[] {
  const labels: string[] = [];
  if (granularity === 'time:hour' || granularity === 'time:minute') {
    const step = granularity === 'time:hour' ? 3_600_000 : 60_000;
    const len = granularity === 'time:hour' ? 13 : 16;
    const seen = new Set<string>();
    // step in UTC: every local hour is visited, and a repeated fall-back hour yields one label
    const start = range.from - ((range.from + tzOffset(range.from, tz)) % step + step) % step;
    for (let t = start; t < range.to; t += step) {
      const label = `${new Date(t + tzOffset(t, tz)).toISOString().slice(0, len).replace('T', ' ')}${granularity === 'time:hour' ? ':00:00' : ':00'}`;
      if (!seen.has(label)) labels.push(label);
      seen.add(label);
    }
    return labels;
  }
  for (const d of eachDay(range.firstDay, range.lastDay)) {
    const label = granularity === 'time:day' ? d : granularity === 'time:week' ? weekLabel(d, range.firstDay) : `${d.slice(0, 7)}-01`;
    if (labels.at(-1) !== label) labels.push(label);
  }
  return labels;
}

export interface ComparisonOptions {
  mode: string;
  dateRange?: [string, string];
  matchDayOfWeek?: boolean;
}

/** ISO weekday, 1 = Monday … 7 = Sunday. */
const weekday = (d: string) => ((new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;

/**
 * Plausible's `match_day_of_week`: move the comparison's first day to the nearest following day
 * with the source's weekday (or the preceding one when that would be the source's own first day),
 * keeping the comparison's length.
 */
function matchDayOfWeek(first: string, last: string, sourceFirst: string): [string, string] {
  const want = weekday(sourceFirst);
  const have = weekday(first);
  if (want === have) return [first, last];
  const forward = (want - have + 7) % 7;
  const next = addDays(first, forward);
  const shift = next === sourceFirst ? forward - 7 : forward;
  return [addDays(first, shift), addDays(last, shift)];
}

/**
 * The comparison period, as Plausible computes it: `previous_period` is as many days as the source
 * has up to today, right before it; `year_over_year` is 365 days earlier (to today's counterpart);
 * `custom` is the given dates. Ranges that are not whole days shift by their length or a year.
 */
export function comparisonRange(range: DateRange, options: ComparisonOptions, tz: string, today: string): DateRange {
  const { mode, dateRange: custom } = options;
  if (mode === 'custom' && custom) {
    const [a, b] = custom;
    if (!validDate(a) || !validDate(b)) throw bad(`#/include/comparisons/date_range: Invalid date range ${JSON.stringify(custom)}`);
    if (a > b) throw bad('#/include/comparisons/date_range: Invalid date range: the first date is after the second');
    return checkRange(dayRange(a, b, tz), '#/include/comparisons/date_range');
  }
  // a comparison goes back at most the range's length and a year (plus a week to match weekdays):
  // refuse before the arithmetic would leave year 0001
  if (daysBetween(MIN_DAY, range.firstDay) < daysBetween(range.firstDay, range.lastDay) + 1 + 366 + 7) {
    throw bad(`#/include/comparisons: Invalid comparison: the comparison period would start before ${MIN_DAY}`);
  }
  return checkRange(shiftedRange(range, options, tz, today), '#/include/comparisons');
}

function shiftedRange(range: DateRange, options: ComparisonOptions, tz: string, today: string): DateRange {
  const { mode } = options;
  if (range.wholeDays) {
    const last = range.lastDay < today ? range.lastDay : today < range.firstDay ? range.firstDay : today;
    let first: string;
    let end: string;
    if (mode === 'year_over_year') {
      first = addDays(range.firstDay, -365);
      end = addDays(last, -365);
    } else {
      const days = daysBetween(range.firstDay, last) + 1;
      first = addDays(range.firstDay, -days);
      end = addDays(last, -days);
    }
    if (options.matchDayOfWeek) [first, end] = matchDayOfWeek(first, end, range.firstDay);
    return dayRange(first, end, tz);
  }
  if (mode === 'year_over_year') {
    const shift = range.from - dayStart(addMonths(localDay(range.from, tz), -12), tz) - (range.from - dayStart(localDay(range.from, tz), tz));
    return { ...range, from: range.from - shift, to: range.to - shift, firstDay: addMonths(range.firstDay, -12), lastDay: addMonths(range.lastDay, -12) };
  }
  const len = range.to - range.from;
  return { from: range.from - len, to: range.from, firstDay: localDay(range.from - len, tz), lastDay: localDay(range.from - 1, tz), wholeDays: false };
}
