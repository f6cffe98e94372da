/** The main graph: the selected metric over time, at the chosen interval, with the comparison. */
import { component$, Resource, useResource$ } from '@builder.io/qwik';
import { Link, useLocation } from '@builder.io/qwik-city';
import type { Dimension } from '../../../../contract/api';
import { METRIC_LABELS } from '../../lib/format';
import { queryStats } from '../../lib/stats';
import { apiFilters, dateRange, hrefWith, intervalsFor, readView } from '../../lib/view';
import type { ScopeProps } from '../breakdown/breakdown';
import { Skeleton } from '../breakdown/breakdown';
import { ApexChart } from '../chart/apex-chart';

export const MainChart = component$<ScopeProps>(({ site, share }) => {
  const loc = useLocation();
  const series = useResource$(async ({ track }) => {
    const view = readView(track(() => loc.url));
    const res = await queryStats(
      {
        site_id: site,
        metrics: [view.metric],
        date_range: dateRange(view),
        dimensions: [`time:${view.interval}` as Dimension],
        filters: apiFilters(view.filters),
        include: { time_labels: true, ...(view.compare ? { comparisons: { mode: 'previous_period' as const } } : {}) },
      },
      share,
    );
    if (!res.ok) return { ok: false as const, error: res.error };
    const labels = res.data.meta.time_labels ?? res.data.results.map((r) => r.dimensions[0]!);
    const byLabel = new Map(res.data.results.map((r) => [r.dimensions[0], r]));
    // Buckets with no traffic are absent from results; the chart shows them as zero.
    const current = labels.map((l) => byLabel.get(l)?.metrics[0] ?? 0);
    const previous = labels.map((l) => byLabel.get(l)?.comparison?.metrics[0] ?? 0);
    return {
      ok: true as const,
      metric: view.metric,
      labels,
      series: [
        { name: METRIC_LABELS[view.metric] ?? view.metric, data: current },
        ...(view.compare ? [{ name: 'Previous period', data: previous, dashed: true }] : []),
      ],
    };
  });
  const view = readView(loc.url);
  return (
    <section class="card chart-card" aria-labelledby="chart-title">
      <div class="chart-head">
        <h2 id="chart-title">{METRIC_LABELS[view.metric]}</h2>
        <nav class="tab-list" aria-label="Interval">
          {intervalsFor(view.period, view.from, view.to).map((i) => (
            <Link key={i} href={hrefWith(loc.url, { interval: i })} aria-current={i === view.interval ? 'true' : undefined} class="button" data-interval={i}>
              {i[0]!.toUpperCase() + i.slice(1)}
            </Link>
          ))}
        </nav>
      </div>
      <Resource
        value={series}
        onPending={() => <Skeleton rows={3} />}
        onResolved={(r) =>
          r.ok ? (
            <ApexChart
              labels={r.labels}
              series={r.series}
              kind={r.metric === 'bounce_rate' ? 'percent' : r.metric === 'visit_duration' ? 'duration' : 'number'}
              label={`${METRIC_LABELS[r.metric]} by ${view.interval}`}
            />
          ) : (
            <p class="error" role="alert">
              Could not load the graph: {r.error}
            </p>
          )
        }
      />
    </section>
  );
});
