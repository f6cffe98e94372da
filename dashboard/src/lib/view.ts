/**
 * The dashboard's view state lives in the URL so that any view is a shareable link:
 * `?period=7d&compare=previous_period&interval=day&metric=visitors&f=visit:source,is,Google` (a saved
 * segment is `f=segment,is,<id>`, one at a time; a funnel's steps `f=sequence,is,<JSON steps>`
 * (lib/sequence-filter.ts); several values of one filter are `|`-separated, a
 * literal `|` or `\` escaped with `\`: `f=visit:source,is,Google|Bing`; `compare` is a Stats API v2
 * comparison mode, with `compare_from`/`compare_to` for `custom` and `match_day_of_week=1`; the
 * older `compare=1` is `previous_period`). This module reads
 * it, builds the Stats API v2 pieces from it, and writes links that change one part of it.
 */
import type { ComparisonRequest, DateRange, Dimension, Filter, Metric } from '../../../contract/api';
import { parseSequenceSteps, SEQUENCE } from './sequence-filter';
import { topMetrics } from './top-metrics';

export type Period = 'day' | '24h' | '7d' | '30d' | 'month' | '6mo' | '12mo' | 'year' | 'all' | 'custom';
export type Interval = 'minute' | 'hour' | 'day' | 'week' | 'month';

export const PERIODS: { id: Period; label: string; key: string }[] = [
  { id: 'day', label: 'Today', key: 'd' },
  { id: '24h', label: 'Last 24 hours', key: 'h' },
  { id: '7d', label: 'Last 7 days', key: 'w' },
  { id: '30d', label: 'Last 30 days', key: 't' },
  { id: 'month', label: 'Month to date', key: 'm' },
  { id: '6mo', label: 'Last 6 months', key: 's' },
  { id: '12mo', label: 'Last 12 months', key: 'l' },
  { id: 'year', label: 'Year to date', key: 'y' },
  { id: 'all', label: 'All time', key: 'a' },
  { id: 'custom', label: 'Custom range', key: 'c' },
];

export const DEFAULT_PERIOD: Period = '30d';


export type FilterOpId = 'is' | 'is_not' | 'contains' | 'contains_not';

/** One filter of the URL: `values` are or-ed, as in a Stats API filter `[op, dimension, values]`. */
export interface FilterSpec {
  dimension: string;
  op: FilterOpId;
  values: string[];
}

export type CompareMode = 'previous_period' | 'year_over_year' | 'custom';

/** The comparison the top stats and the main chart show, as Plausible's `include.comparisons`. */
export interface Comparison {
  mode: CompareMode;
  /** the compared days of a `custom` comparison */
  from: string | null;
  to: string | null;
  matchDayOfWeek: boolean;
}

export const COMPARE_MODES: { id: CompareMode; label: string; series: string }[] = [
  { id: 'previous_period', label: 'Previous period', series: 'Previous period' },
  { id: 'year_over_year', label: 'Year over year', series: 'Last year' },
  { id: 'custom', label: 'Custom period', series: 'Compared period' },
];

export interface View {
  period: Period;
  from: string | null;
  to: string | null;
  /** null: no comparison drawn (the top stats still show their change against the previous period) */
  compare: Comparison | null;
  interval: Interval;
  metric: Metric;
  filters: FilterSpec[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const OPS = new Set(['is', 'is_not', 'contains', 'contains_not']);

/** The pseudo-dimension of a saved segment in `f=` (`f=segment,is,42`), as Plausible's filter. */
export const SEGMENT = 'segment';

/** Splits `a|b\\|c` into `["a", "b|c"]`: `\\` escapes the next character. */
export function splitValues(raw: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '\\' && i + 1 < raw.length) cur += raw[++i];
    else if (c === '|') {
      out.push(cur);
      cur = '';
    }
    else cur += c;
  }
  out.push(cur);
  return out;
}

export const joinValues = (values: string[]) => values.map((v) => v.replace(/[\\|]/g, '\\$&')).join('|');

/** Parses `f=<dimension>,<op>,<values>`; a value may itself contain commas. */
export function parseFilter(raw: string): FilterSpec | null {
  const [dimension, op, ...rest] = raw.split(',');
  if (!dimension || !op || !OPS.has(op) || rest.length === 0) return null;
  const value = rest.join(',');
  if (dimension === SEGMENT) return op === 'is' && /^[1-9]\d{0,15}$/.test(value) ? { dimension, op, values: [value] } : null;
  if (dimension === SEQUENCE) {
    const [steps, ...more] = splitValues(value);
    return op === 'is' && more.length === 0 && parseSequenceSteps(steps!) ? { dimension, op, values: [steps!] } : null;
  }
  if (!/^(event|visit):[\w:. -]+$/.test(dimension)) return null;
  return { dimension, op: op as FilterOpId, values: splitValues(value) };
}

export const formatFilter = (f: FilterSpec) => `${f.dimension},${f.op},${joinValues(f.values)}`;

/** A one-value `is` filter, as a card's row adds it. */
export const isFilter = (dimension: string, value: string): FilterSpec => ({ dimension, op: 'is', values: [value] });

export function readView(url: URL): View {
  const q = url.searchParams;
  const from = q.get('from');
  const to = q.get('to');
  let period = (PERIODS.some((p) => p.id === q.get('period')) ? q.get('period') : DEFAULT_PERIOD) as Period;
  const custom = period === 'custom' && from && to && DATE.test(from) && DATE.test(to);
  if (period === 'custom' && !custom) period = DEFAULT_PERIOD;
  const allowed = intervalsFor(period, from, to);
  const interval = (allowed.includes(q.get('interval') as Interval) ? q.get('interval') : allowed[0]) as Interval;
  const filters = q.getAll('f').map(parseFilter).filter((f): f is FilterSpec => f !== null);
  // only a metric the top stats offer for these filters: another one the API would refuse
  const metric = (topMetrics(filters).some((m) => m.metric === q.get('metric')) ? q.get('metric') : 'visitors') as Metric;
  return {
    period,
    from: custom ? (from! <= to! ? from : to) : null,
    to: custom ? (from! <= to! ? to : from) : null,
    compare: readComparison(q),
    interval,
    metric,
    filters,
  };
}

function readComparison(q: URLSearchParams): Comparison | null {
  const raw = q.get('compare');
  const mode: CompareMode | null = raw === '1' ? 'previous_period' : COMPARE_MODES.some((m) => m.id === raw) ? (raw as CompareMode) : null;
  if (!mode) return null;
  const matchDayOfWeek = q.get('match_day_of_week') === '1';
  if (mode !== 'custom') return { mode, from: null, to: null, matchDayOfWeek };
  const [a, b] = [q.get('compare_from'), q.get('compare_to')];
  // a custom comparison without its two days is the previous period, not an API error
  if (!a || !b || !DATE.test(a) || !DATE.test(b)) return { mode: 'previous_period', from: null, to: null, matchDayOfWeek };
  return { mode, from: a <= b ? a : b, to: a <= b ? b : a, matchDayOfWeek: false };
}

/** The Stats API's `include.comparisons` for a comparison (the top stats' default: previous period). */
export function apiComparison(c: Comparison | null): ComparisonRequest {
  if (!c) return { mode: 'previous_period' };
  if (c.mode === 'custom') return { mode: 'custom', date_range: [c.from!, c.to!] };
  return c.matchDayOfWeek ? { mode: c.mode, match_day_of_week: true } : { mode: c.mode };
}

/** Intervals that make sense for a period; the first is the default. */
export function intervalsFor(period: Period, from?: string | null, to?: string | null): Interval[] {
  switch (period) {
    case 'day':
    case '24h':
      return ['hour', 'minute'];
    case '7d':
      return ['day', 'hour'];
    case '30d':
    case 'month':
      return ['day', 'week'];
    case '6mo':
    case '12mo':
    case 'year':
      return ['month', 'week', 'day'];
    case 'all':
      return ['month', 'week'];
    case 'custom': {
      const days = from && to ? Math.abs(Date.parse(to) - Date.parse(from)) / 86_400_000 + 1 : 30;
      if (days <= 2) return ['hour', 'day'];
      if (days <= 40) return ['day', 'week', 'hour'];
      return ['month', 'week', 'day'];
    }
  }
}

export function dateRange(view: View): DateRange {
  if (view.period === 'custom' && view.from && view.to) return [view.from, view.to];
  return view.period as DateRange;
}

export function apiFilters(filters: FilterSpec[]): Filter[] {
  return filters.map((f) => {
    if (f.dimension === SEGMENT) return ['is', 'segment', f.values.map(Number)] as Filter;
    if (f.dimension === SEQUENCE) return ['sequence', parseSequenceSteps(f.values[0]!) as Filter[]] as Filter;
    return [f.op, f.dimension as Dimension, f.values] as Filter;
  });
}

/** A link to the same page with `changes` applied (null deletes a parameter). */
export function hrefWith(url: URL, changes: Record<string, string | null>): string {
  const next = new URLSearchParams(url.search);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) next.delete(key);
    else next.set(key, value);
  }
  next.delete('qaction');
  const search = next.toString();
  return url.pathname + (search ? `?${search}` : '');
}

/** The same view with `filters` added (each replacing one on the same dimension). */
export function hrefWithFilter(url: URL, filter: FilterSpec | FilterSpec[], pathname = url.pathname): string {
  const added = Array.isArray(filter) ? filter : [filter];
  const next = new URLSearchParams(url.search);
  const kept = next.getAll('f').filter((raw) => !added.some((a) => a.dimension === parseFilter(raw)?.dimension));
  next.delete('f');
  for (const raw of kept) next.append('f', raw);
  for (const f of added) next.append('f', formatFilter(f));
  return `${pathname}?${next}`;
}

export function hrefWithoutFilter(url: URL, dimension: string | null): string {
  const next = new URLSearchParams(url.search);
  const kept = dimension === null ? [] : next.getAll('f').filter((raw) => parseFilter(raw)?.dimension !== dimension);
  next.delete('f');
  for (const raw of kept) next.append('f', raw);
  const search = next.toString();
  return url.pathname + (search ? `?${search}` : '');
}

/** Only the view parameters of a URL (period, filters…), to carry across pages of one site. */
export function viewSearch(url: URL): string {
  const next = new URLSearchParams();
  for (const key of ['period', 'from', 'to', 'compare', 'compare_from', 'compare_to', 'match_day_of_week', 'f', 'auth']) for (const v of url.searchParams.getAll(key)) next.append(key, v);
  const s = next.toString();
  return s ? `?${s}` : '';
}
