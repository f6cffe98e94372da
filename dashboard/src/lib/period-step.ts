/**
 * The date picker's ← / →: the days a view covers (as the API resolves its presets: `Nd` ends
 * yesterday, `month`/`6mo`/`12mo`/`year` are whole calendar months) and the range one period
 * before or after it. Whole-month ranges step by months (so February follows January whatever
 * their lengths), others by their number of days. Pure functions of the site's today, unit-tested.
 */
import type { View } from './view';

export type Days = [from: string, to: string];

const toUtc = (day: string) => Date.parse(`${day}T00:00:00Z`);
const fromUtc = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export const addDays = (day: string, n: number): string => fromUtc(toUtc(day) + n * 86_400_000);

export function addMonths(day: string, n: number): string {
  const d = new Date(toUtc(day));
  return fromUtc(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, d.getUTCDate()));
}

const monthStart = (day: string) => `${day.slice(0, 7)}-01`;
const monthEnd = (day: string) => addDays(addMonths(monthStart(day), 1), -1);

/** The days a view covers; null for `24h` and `all` (they have no period to step by). */
export function viewDays(view: Pick<View, 'period' | 'from' | 'to'>, today: string): Days | null {
  const m1 = monthStart(today);
  switch (view.period) {
    case 'day':
      return [today, today];
    case '7d':
      return [addDays(today, -7), addDays(today, -1)];
    case '30d':
      return [addDays(today, -30), addDays(today, -1)];
    case 'month':
      return [m1, monthEnd(today)];
    case '6mo':
      return [addMonths(m1, -5), monthEnd(today)];
    case '12mo':
      return [addMonths(m1, -11), monthEnd(today)];
    case 'year':
      return [`${today.slice(0, 4)}-01-01`, `${today.slice(0, 4)}-12-31`];
    case 'custom':
      return view.from && view.to ? [view.from, view.to] : null;
    default:
      return null;
  }
}

/** How many whole calendar months a range spans, or 0 when it does not start and end on month edges. */
function wholeMonths([from, to]: Days): number {
  if (from !== monthStart(from) || to !== monthEnd(to)) return 0;
  return (+to.slice(0, 4) - +from.slice(0, 4)) * 12 + (+to.slice(5, 7) - +from.slice(5, 7)) + 1;
}

/**
 * The range one period before (`dir` -1) or after (+1) `days`, or null when the step would start
 * after today or, for a range of days, end after today (Plausible never steps into the future).
 */
export function stepDays(days: Days, dir: -1 | 1, today: string): Days | null {
  const months = wholeMonths(days);
  let next: Days;
  if (months > 0) {
    const from = addMonths(days[0], dir * months);
    next = [from, monthEnd(addMonths(from, months - 1))];
  } else {
    const len = (toUtc(days[1]) - toUtc(days[0])) / 86_400_000 + 1;
    next = [addDays(days[0], dir * len), addDays(days[1], dir * len)];
  }
  if (dir === 1 && (next[0] > today || (months === 0 && next[1] > today))) return null;
  return next;
}

/** The URL parameters of a stepped range: a preset again when it is this month, year or today. */
export function stepParams([from, to]: Days, today: string): Record<string, string | null> {
  const preset = from === today && to === today ? 'day' : from === monthStart(today) && to === monthEnd(today) ? 'month' : from === `${today.slice(0, 4)}-01-01` && to === `${today.slice(0, 4)}-12-31` ? 'year' : null;
  if (preset) return { period: preset, from: null, to: null, interval: null };
  return { period: 'custom', from, to, interval: null };
}

/** The site's today (YYYY-MM-DD) in its IANA time zone. */
export const localToday = (timeZone: string, now = Date.now()): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
