/**
 * What the main chart's x axis says and how many labels fit, and which buckets lie in the
 * future. Pure functions of the API's `time_labels`, so they are unit-tested in Node.
 */
import type { Interval } from './view';

const MONTH = (m: number) => new Date(Date.UTC(2000, m - 1, 1)).toLocaleString('en', { month: 'short', timeZone: 'UTC' });

/**
 * A bucket label as the axis shows it: "2026-11-24 13:00:00" -> "13:00" (hour/minute), a day or
 * week -> "Nov 24", a month -> "Jan 2026" (a month label is its first day, "2026-01-01").
 */
export function axisLabel(label: string, interval: Interval): string {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?(?:[ T](\d{2}:\d{2}))?/.exec(label);
  if (!m) return label;
  const month = MONTH(+m[2]!);
  if (interval === 'month' || !m[3]) return `${month} ${m[1]}`;
  if ((interval === 'hour' || interval === 'minute') && m[4]) return m[4] === '00:00' ? `${month} ${+m[3]}` : m[4];
  return `${month} ${+m[3]}`;
}

/** At most one x label per this many pixels: "Nov 24" at 12 px takes ~45 px plus a gap. */
export const PX_PER_LABEL = 64;

/** How many x labels to ask ApexCharts for, so that none overlap at `width` pixels. */
export function tickAmount(points: number, width: number): number {
  return Math.max(2, Math.min(points, Math.floor(width / PX_PER_LABEL)));
}

/**
 * The site's clock as a bucket label ("2026-12-02 04:50:00"), from the offset that the API's
 * echoed `date_range` carries ("2026-12-01T00:00:00+01:00"): a share link may not read the site
 * record, but every answer says its zone's offset. Within a range that crosses a DST change this
 * may be an hour off at the range's far end, which never moves "now" by more than one bucket.
 */
export function siteNow(echoedFrom: string | undefined, now = Date.now()): string {
  const off = /([+-])(\d{2}):(\d{2})$/.exec(echoedFrom ?? '');
  const ms = off ? (off[1] === '-' ? -1 : 1) * (+off[2]! * 60 + +off[3]!) * 60_000 : 0;
  return new Date(now + ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** Buckets that start after `nowLabel` have not happened yet: drawn as a gap, not as zero. */
export const isFuture = (label: string, nowLabel: string) => label > nowLabel;
