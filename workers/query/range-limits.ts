/**
 * Bounds on what one query may span. Share links and public sites let anyone query, and a range of
 * millennia once cost 30–130 s and 2 GB (time labels, offset segments, a raw scan of every day),
 * or a 500 where a date left the four-digit years. Every bound answers a 400 naming the part.
 */
import { HttpError } from '../lib/http-error';
import { addDays, daysBetween } from '../lib/timezone';
import type { DateRange, Granularity } from './types';

/** Calendar dates a query may name: four-digit years, as ISO 8601 and SQLite's date() have. */
export const MIN_DAY = '0001-01-01';
export const MAX_DAY = '9999-12-31';
/** Ten years, leap days included: `12mo`, `year` and years of history fit; `all` is clamped to it. */
export const MAX_RANGE_DAYS = 3653;
/** Time buckets per range: 7 days of minutes (the `time:minute` rule) or about 14 months of hours. */
export const MAX_TIME_BUCKETS = 10_080;

const bad = (message: string) => new HttpError(400, 'invalid_query', message);
const WELL_FORMED = /^\d{4}-\d{2}-\d{2}$/;

/** The range, if its local days are representable and it spans at most MAX_RANGE_DAYS days. */
export function checkRange(range: DateRange, pointer: string): DateRange {
  const { firstDay, lastDay } = range;
  checkDays(firstDay, lastDay, pointer);
  if (!Number.isFinite(range.from) || !Number.isFinite(range.to)) throw outOfBounds(pointer);
  const days = daysBetween(firstDay, lastDay) + 1;
  if (days > MAX_RANGE_DAYS) {
    throw bad(`${pointer}: Invalid date range: it spans ${days} days; at most ${MAX_RANGE_DAYS} (10 years) may be queried at once`);
  }
  return range;
}

const outOfBounds = (pointer: string) => bad(`${pointer}: Invalid date range: dates must be between ${MIN_DAY} and ${MAX_DAY}`);

/** Both local days are well-formed and within MIN_DAY…MAX_DAY. */
export function checkDays(firstDay: string, lastDay: string, pointer: string): void {
  // a day outside 0000–9999 formats as `+010000-01-…` or `-000001-…`: not well-formed
  const inBounds = (d: string) => WELL_FORMED.test(d) && d >= MIN_DAY && d <= MAX_DAY;
  if (!inBounds(firstDay) || !inBounds(lastDay)) throw outOfBounds(pointer);
}

/** The first day of the longest range ending on `last` (where `all` starts at the latest). */
export function earliestDay(last: string): string {
  return addDays(last, -(MAX_RANGE_DAYS - 1));
}

/** About how many buckets a time dimension gives over the range (an upper bound). */
export function timeBucketCount(range: DateRange, granularity: Granularity): number {
  const days = daysBetween(range.firstDay, range.lastDay) + 1;
  switch (granularity) {
    case 'time:minute':
      return Math.ceil((range.to - range.from) / 60_000) + 1;
    case 'time:hour':
      return Math.ceil((range.to - range.from) / 3_600_000) + 1;
    case 'time:day':
      return days;
    case 'time:week':
      return Math.ceil(days / 7) + 1;
    case 'time:month':
      return Math.ceil(days / 28) + 1;
  }
}

/** Refuses a granularity that would give more than MAX_TIME_BUCKETS buckets over the range. */
export function checkTimeBuckets(range: DateRange, granularity: Granularity, pointer: string): void {
  const buckets = timeBucketCount(range, granularity);
  if (buckets > MAX_TIME_BUCKETS) {
    const days = daysBetween(range.firstDay, range.lastDay) + 1;
    throw bad(`${pointer}: ${granularity} over ${days} days gives about ${buckets} time buckets; at most ${MAX_TIME_BUCKETS} may be queried at once (narrow the date range or use a coarser time dimension)`);
  }
}
