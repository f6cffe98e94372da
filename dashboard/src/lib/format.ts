/** Number formatting shared by every card; `null` (no data) shows as a dash. */
import type { Metric, MetricValue } from '../../../contract/api';

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

export function formatNumber(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return Math.abs(n) >= 10_000 ? compact.format(n) : Math.round(n * 100) / 100 + '';
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

/** A metric as a plain number (a revenue's amount): for bars, sums and sorting. */
export const metricNumber = (v: MetricValue | undefined): number | null => (v === null || v === undefined ? null : typeof v === 'number' ? v : v.value);

export function formatMetric(metric: Metric | string, n: MetricValue | undefined): string {
  if (n === null || n === undefined) return '—';
  // revenue comes formatted by the API, as Plausible's: "€1.2K" (its currency is the events')
  if (typeof n === 'object') return n.short;
  switch (metric) {
    case 'bounce_rate':
    case 'scroll_depth':
    case 'percentage':
    case 'conversion_rate':
    case 'group_conversion_rate':
      return `${Math.round(n * 10) / 10}%`;
    case 'visit_duration':
    case 'time_on_page':
      return formatDuration(n);
    case 'views_per_visit':
      return (Math.round(n * 100) / 100).toFixed(2);
    default:
      return formatNumber(n);
  }
}

export const METRIC_LABELS: Record<string, string> = {
  visitors: 'Unique visitors',
  visits: 'Total visits',
  pageviews: 'Total pageviews',
  views_per_visit: 'Views per visit',
  total_revenue: 'Revenue',
  average_revenue: 'Average revenue',
  bounce_rate: 'Bounce rate',
  visit_duration: 'Visit duration',
  events: 'Events',
  conversion_rate: 'Conversion rate',
  time_on_page: 'Time on page',
  scroll_depth: 'Scroll depth',
  percentage: '%',
};

/** Metrics where a rise is bad news (arrows turn red when they go up). */
export const LOWER_IS_BETTER = new Set<string>(['bounce_rate']);

const regionNames = (() => {
  try {
    return new Intl.DisplayNames(['en'], { type: 'region' });
  } catch {
    return null; // a runtime without ICU region data: show the ISO code
  }
})();

/** "DE" -> "Germany"; anything else is shown as given. */
export function countryName(code: string): string {
  if (!/^[A-Z]{2}$/.test(code)) return code;
  try {
    return regionNames?.of(code) ?? code;
  } catch {
    return code;
  }
}
