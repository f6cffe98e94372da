/**
 * Retention intervals in the site's calendar: local days, Monday weeks, calendar months, named by
 * their first day (`2026-10-05`). Pure date arithmetic on `YYYY-MM-DD` strings.
 */
import { addDays, addMonths, daysBetween } from '../../lib/timezone';

export type Interval = 'day' | 'week' | 'month';
export const INTERVALS: readonly Interval[] = ['day', 'week', 'month'];

/** Most cohorts one answer holds: the triangle has cohorts²/2 cells. */
export const MAX_COHORTS: Record<Interval, number> = { day: 180, week: 260, month: 120 };

/** The first day of the interval holding `date`. */
export function intervalStart(date: string, interval: Interval): string {
  if (interval === 'day') return date;
  if (interval === 'month') return `${date.slice(0, 7)}-01`;
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(date, -((dow + 6) % 7));
}

/** Whole intervals from `a`'s to `b`'s (both interval starts). */
export function intervalsBetween(a: string, b: string, interval: Interval): number {
  if (interval === 'day') return daysBetween(a, b);
  if (interval === 'week') return Math.round(daysBetween(a, b) / 7);
  return (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + Number(b.slice(5, 7)) - Number(a.slice(5, 7));
}

export function nextInterval(start: string, interval: Interval): string {
  if (interval === 'day') return addDays(start, 1);
  if (interval === 'week') return addDays(start, 7);
  return addMonths(start, 1);
}

/** The last day of the interval starting at `start`. */
export function intervalEnd(start: string, interval: Interval): string {
  return addDays(nextInterval(start, interval), -1);
}

/** Default range when none is given: 30 days, 12 weeks or 12 months, ending with today's interval. */
export function defaultRange(today: string, interval: Interval): [string, string] {
  if (interval === 'day') return [addDays(today, -29), today];
  if (interval === 'week') return [addDays(intervalStart(today, 'week'), -77), today];
  return [addMonths(intervalStart(today, 'month'), -11), today];
}
