/**
 * Spans: runs of whole days the journeys pre-aggregate also keeps merged (`journey_span_rows`,
 * workers/db/schema-journeys.ts), so that a long range is read as a few spans and a few days
 * instead of a list per day. Spans are aligned: a span of n days (n in SPAN_DAYS) starts on a day
 * whose number (days since 1970-01-01) is a multiple of n, so a day lies in one span of each
 * length, and any range is covered by at most two spans of each length plus days (`coverRange`).
 *
 * A span row holds a (list, key)'s sessions summed over the span's days when that sum is at
 * least SPAN_MIN_SESSIONS; a key counting less in the span has no row (most keys: paths are nearly
 * all unique past the second page, and most of the rest repeat a few times), so a span costs only
 * its common paths. The read bounds a missing key by SPAN_MIN_SESSIONS − 1, sums its days when it
 * needs its exact count, and reads the span's days instead when a ranking needs keys under that.
 */
import { addDays, daysBetween, eachDay } from '../../lib/timezone';

/** Span lengths in days; a span is built once all its days are quiet (spansToBuild). */
export const SPAN_DAYS = [2, 4, 8, 16, 32] as const;

/**
 * The least sum a span keeps a row for. At 10M events a month a span row of 2 or more would cost
 * 0.34 rows written per event over the five lengths; of 6 or more, 0.06 (bench:query). The top of
 * a big site is far above the floor this leaves (5 a span and list); a small site's top is thin
 * and reads its days.
 */
export const SPAN_MIN_SESSIONS = 6;

/** A day (`days` = 1) or a built span of the range. */
export interface Period {
  start: string;
  days: number;
}

const dayNumber = (day: string): number => daysBetween('1970-01-01', day);

/** The first day of the span of `days` days holding `day`. */
export const spanStart = (day: string, days: number): string => addDays(day, -(((dayNumber(day) % days) + days) % days));

/** The days of a period, first to last. */
export const periodDays = (p: Period): string[] => eachDay(p.start, addDays(p.start, p.days - 1));

export const spanId = (p: Period): string => `${p.start}+${p.days}`;

/**
 * The range [first, last] as the fewest periods, left to right: at each day the longest built
 * span that starts there and ends within the range, else the day itself.
 */
export function coverRange(first: string, last: string, built: ReadonlySet<string>): Period[] {
  const out: Period[] = [];
  for (let day = first; day <= last;) {
    const n = dayNumber(day);
    const fits = [...SPAN_DAYS].reverse().find((d) => n % d === 0 && addDays(day, d - 1) <= last && built.has(spanId({ start: day, days: d })));
    const days = fits ?? 1;
    out.push({ start: day, days });
    day = addDays(day, days);
  }
  return out;
}

/**
 * The spans within [first, last] (whole) that are not built yet, shortest first (they are the
 * cheapest and cover the most recent days soonest).
 */
export function spansToBuild(first: string, last: string, built: ReadonlySet<string>): Period[] {
  const out: Period[] = [];
  for (const days of SPAN_DAYS) {
    for (let start = spanStart(first, days) < first ? addDays(spanStart(first, days), days) : first; addDays(start, days - 1) <= last; start = addDays(start, days)) {
      if (!built.has(spanId({ start, days }))) out.push({ start, days });
    }
  }
  return out;
}
