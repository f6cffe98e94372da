/**
 * Which top stats a view shows, as Plausible decides: a goal filter turns them into conversions
 * (unique and total conversions, conversion rate); a custom-event filter into visitors and events
 * (pageview numbers next to a click filter would contradict each other); a page filter drops
 * views per visit, which the Stats API refuses with it.
 */
import type { Metric } from '../../../contract/api';
import { parseSequenceSteps, SEQUENCE } from './sequence-filter';

export interface TopMetric {
  metric: Metric;
  label: string;
}

const DEFAULT: TopMetric[] = [
  { metric: 'visitors', label: 'Unique visitors' },
  { metric: 'visits', label: 'Total visits' },
  { metric: 'pageviews', label: 'Total pageviews' },
  { metric: 'views_per_visit', label: 'Views per visit' },
  { metric: 'bounce_rate', label: 'Bounce rate' },
  { metric: 'visit_duration', label: 'Visit duration' },
];

const CONVERSIONS: TopMetric[] = [
  { metric: 'visitors', label: 'Unique conversions' },
  { metric: 'events', label: 'Total conversions' },
  { metric: 'conversion_rate', label: 'Conversion rate' },
];

const EVENTS: TopMetric[] = [
  { metric: 'visitors', label: 'Unique visitors' },
  { metric: 'events', label: 'Total events' },
];

/** Every metric some view's top stats may chart (the `metric=` URL parameter). */
export const CHARTABLE: Metric[] = [...new Set([...DEFAULT, ...CONVERSIONS, ...EVENTS].map((m) => m.metric))];

/** A filter as the URL holds it (view.ts's FilterSpec, restated so that view.ts may import this). */
interface FilterLike {
  dimension: string;
  op: string;
  values: string[];
}

export function topMetrics(filters: FilterLike[]): TopMetric[] {
  const on = (d: string) => filters.some((f) => f.dimension === d && f.op !== 'is_not');
  if (on('event:goal')) return CONVERSIONS;
  if (filters.some((f) => f.dimension === 'event:name' && f.op === 'is' && !f.values.includes('pageview'))) return EVENTS;
  // the API refuses views per visit with a page leaf anywhere, a funnel step's included
  const onPage = (f: FilterLike) => f.dimension === 'event:page' || (f.dimension === SEQUENCE && (parseSequenceSteps(f.values[0] ?? '') ?? []).some((s) => s[1] === 'event:page'));
  if (filters.some(onPage)) return DEFAULT.filter((m) => m.metric !== 'views_per_visit');
  return DEFAULT;
}
