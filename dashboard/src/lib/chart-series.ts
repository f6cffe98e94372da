/**
 * From a view to the main chart's query and back to its plotted series. `views_per_visit`
 * cannot be asked per time bucket (the Stats API refuses it with any dimension, as Plausible
 * does), so the chart asks for visits and pageviews and divides, rounded to two decimals as
 * the API rounds it.
 */
import type { Dimension, Metric, MetricValue, QueryRequest, QueryResponse } from '../../../contract/api';
import { metricNumber } from './format';
import { isFuture, siteNow } from './chart-labels';
import { apiComparison, apiFilters, dateRange, type View } from './view';

export function chartMetrics(metric: Metric): Metric[] {
  return metric === 'views_per_visit' ? ['visits', 'pageviews'] : [metric];
}

export function chartQuery(site: string, view: View): QueryRequest {
  return {
    site_id: site,
    metrics: chartMetrics(view.metric),
    date_range: dateRange(view),
    dimensions: [`time:${view.interval}` as Dimension],
    filters: apiFilters(view.filters),
    include: { time_labels: true, ...(view.compare ? { comparisons: apiComparison(view.compare) } : {}) },
  };
}

/** The plotted value of one result row (its metrics in `chartMetrics` order). */
export function plottedValue(metric: Metric, metrics: MetricValue[] | undefined): number {
  if (!metrics) return 0; // a bucket without traffic is absent from the results
  if (metric !== 'views_per_visit') return metricNumber(metrics[0]) ?? 0;
  const [visits, pageviews] = metrics.map(metricNumber) as [number | null, number | null];
  return visits ? Math.round(((pageviews ?? 0) / visits) * 100) / 100 : 0;
}

export interface PlottedSeries {
  labels: string[];
  current: (number | null)[];
  previous: (number | null)[];
}

/** Every bucket of the range in order; a bucket that has not started yet is null (a gap). */
export function plotted(metric: Metric, res: QueryResponse, now = Date.now()): PlottedSeries {
  const labels = res.meta.time_labels ?? res.results.map((r) => String(r.dimensions[0]));
  const byLabel = new Map(res.results.map((r) => [String(r.dimensions[0]), r]));
  const echoed = (res.query as { date_range?: unknown } | undefined)?.date_range;
  const nowLabel = siteNow(Array.isArray(echoed) ? String(echoed[0]) : undefined, now);
  const current = labels.map((l) => (isFuture(l, nowLabel) ? null : plottedValue(metric, byLabel.get(l)?.metrics)));
  // the previous period lies wholly in the past: every one of its buckets is drawn
  const previous = labels.map((l) => {
    const row = byLabel.get(l);
    return row?.comparison ? plottedValue(metric, row.comparison.metrics) : 0;
  });
  return { labels, current, previous };
}
