/**
 * The behaviour reports (funnels, journeys, retention) take the overview's period and filters from
 * the same URL parameters (`period`, `from`/`to`, `f=…`), read with the overview's own helpers so a
 * link carries one view across every page. The reports count sessions or visitors, so only visit
 * filters apply; event filters are returned separately for the page to say they were left out.
 */
import type { DateRange, Filter } from '../../../../contract/api';
import { apiFilters, dateRange, readView, type FilterSpec } from '../../lib/view';

export interface ReportQuery {
  /** the Stats API `date_range`, or null when the URL names none and the report's default applies */
  range: DateRange | null;
  filters: Filter[];
  /** filters of the view that a report cannot take (event dimensions) */
  ignored: FilterSpec[];
}

/** `explicitOnly`: no period in the URL means the report's own default (retention's 12 weeks). */
export function reportQuery(url: URL, explicitOnly = false): ReportQuery {
  const view = readView(url);
  const named = url.searchParams.has('period') || (url.searchParams.has('from') && url.searchParams.has('to'));
  const visit = view.filters.filter((f) => f.dimension.startsWith('visit:'));
  return {
    range: explicitOnly && !named ? null : dateRange(view),
    filters: apiFilters(visit),
    ignored: view.filters.filter((f) => !f.dimension.startsWith('visit:')),
  };
}

/** The report routes' GET parameters: `period` or `date=from,to`, and `filters` as JSON. */
export function reportSearch(q: ReportQuery, extra: Record<string, string | null> = {}): string {
  const s = new URLSearchParams();
  if (Array.isArray(q.range)) s.set('date', q.range.join(','));
  else if (q.range) s.set('period', q.range);
  if (q.filters.length > 0) s.set('filters', JSON.stringify(q.filters));
  for (const [k, v] of Object.entries(extra)) if (v !== null) s.set(k, v);
  const text = s.toString();
  return text ? `?${text}` : '';
}

/** The view parameters as hidden inputs, so a report's own GET form keeps the period and filters. */
export function viewHiddenFields(url: URL): [string, string][] {
  const out: [string, string][] = [];
  for (const key of ['period', 'from', 'to', 'f']) for (const v of url.searchParams.getAll(key)) out.push([key, v]);
  return out;
}

/** An answer's `meta.date_range` (site-zone timestamps) as the dates it covers. */
export const rangeLabel = (range: [string, string]): string => `${range[0].slice(0, 10)} – ${range[1].slice(0, 10)}`;

export const plural = (n: number, word: string): string => `${word}${n === 1 ? '' : 's'}`;
