/**
 * CSV as the dashboard exports it: readable column titles, one file per card tab named after
 * the site, the report and the range (`demo.com-sources-2026-11-25-2026-12-01.csv`), RFC 4180
 * quoting, and a leading apostrophe before `= + - @` so a spreadsheet never runs a cell as a
 * formula (a page path or UTM value is visitor-controlled).
 */
import type { MetricValue } from '../../../contract/api';

const FORMULA = /^[=+\-@\t\r]/;

/** A metric's cell: a revenue as its amount (its currency is in the column title's row, not here). */
export const csvNumber = (v: MetricValue): number | null => (v !== null && typeof v === 'object' ? v.value : v);

export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const safe = FORMULA.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(header: string[], rows: (string | number | null)[][]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** "Entry pages" -> "entry-pages"; a file name part with nothing a file system minds. */
export const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9.]+/g, '-').replace(/^-+|-+$/g, '');

/** `<site>-<report>-<from>-<to>.<ext>`, the range as the API resolved it (site-local dates). */
export function exportName(site: string, report: string, from: string, to: string, ext: 'csv' | 'zip' = 'csv'): string {
  return `${slug(site)}-${slug(report)}-${from.slice(0, 10)}-${to.slice(0, 10)}.${ext}`;
}

/** Column titles of the exported metrics; percentages are in percent, as the cards show them. */
export const CSV_TITLES: Record<string, string> = {
  visitors: 'Visitors',
  visits: 'Visits',
  pageviews: 'Pageviews',
  events: 'Events',
  percentage: 'Visitors (%)',
  conversion_rate: 'Conversion rate (%)',
  bounce_rate: 'Bounce rate (%)',
  visit_duration: 'Visit duration (s)',
  views_per_visit: 'Views per visit',
  time_on_page: 'Time on page (s)',
  scroll_depth: 'Scroll depth (%)',
  total_revenue: 'Revenue',
  average_revenue: 'Average revenue',
};
