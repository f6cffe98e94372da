/**
 * The overview's view (period, custom dates, filters from the URL; lib/view.ts) as the query
 * string of the vitals and errors reports (`period=…` or `date=from,to`, `filters=<v2 JSON>`).
 * Periods the reports refuse (`24h`, `all`: not whole days) are still passed, so the page shows
 * the API's own 400 message rather than silently answering another range.
 */
import { apiFilters, type View } from '../../lib/view';

export function reportParams(view: View, opts: { filters: boolean }): URLSearchParams {
  const q = new URLSearchParams();
  if (view.period === 'custom' && view.from && view.to) q.set('date', `${view.from},${view.to}`);
  else q.set('period', view.period);
  if (opts.filters && view.filters.length) q.set('filters', JSON.stringify(apiFilters(view.filters)));
  return q;
}

export const VITALS = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'] as const;
export type VitalName = (typeof VITALS)[number];

/** web.dev's names and units; the thresholds themselves are applied by the API (DESIGN §4a). */
export const VITAL_LABELS: Record<VitalName, string> = {
  LCP: 'Largest Contentful Paint',
  INP: 'Interaction to Next Paint',
  CLS: 'Cumulative Layout Shift',
  FCP: 'First Contentful Paint',
  TTFB: 'Time to First Byte',
};

/** p75 as shown: CLS unitless with 2 decimals (web.dev's precision), the rest in ms or s. */
export function formatVital(metric: VitalName, value: number | null): string {
  if (value === null) return '—';
  if (metric === 'CLS') return value.toFixed(2);
  return formatMs(value);
}

export function formatMs(value: number | null): string {
  if (value === null) return '—';
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  return `${Math.round(value)} ms`;
}

/** The report's dimension switch: URL value → API dimension and the overview filter's name. */
export const VITALS_BY = {
  page: { dimension: 'event:page', label: 'Page' },
  device: { dimension: 'visit:device', label: 'Device' },
  browser: { dimension: 'visit:browser', label: 'Browser' },
  country: { dimension: 'visit:country', label: 'Country' },
} as const;
export type VitalsBy = keyof typeof VITALS_BY;

export const readBy = (url: URL): VitalsBy => {
  const by = url.searchParams.get('by');
  return by && by in VITALS_BY ? (by as VitalsBy) : 'page';
};

/** Every local date of `[first, last]` (YYYY-MM-DD), for zero-filling sparse daily counts. */
export function daysOf([first, last]: [string, string]): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`), end = Date.parse(`${last}T00:00:00Z`); t <= end && out.length < 400; t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** A group's daily events over the whole range, days without errors as 0. */
export function dailyEvents(range: [string, string], daily: { date: string; events: number }[]): number[] {
  const byDay = new Map(daily.map((d) => [d.date, d.events]));
  return daysOf(range).map((d) => byDay.get(d) ?? 0);
}
