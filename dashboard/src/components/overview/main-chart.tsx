/** The main graph: the selected metric over time, at the chosen interval, with the comparison. */
import { component$, Resource, useResource$ } from '@builder.io/qwik';
import { useLocation } from '@builder.io/qwik-city';
import { METRIC_LABELS } from '../../lib/format';
import { queryStats } from '../../lib/stats';
import { chartQuery, plotted } from '../../lib/chart-series';
import { topMetrics } from '../../lib/top-metrics';
import { COMPARE_MODES, readView, type View } from '../../lib/view';

/** The chart's title: the top stat's own name ("Unique conversions" under a goal filter). */
const titleOf = (view: View) => topMetrics(view.filters).find((m) => m.metric === view.metric)?.label ?? METRIC_LABELS[view.metric] ?? view.metric;
import type { ScopeProps } from '../breakdown/breakdown';
import { Skeleton } from '../breakdown/breakdown';
import { ApexChart } from '../chart/apex-chart';
import { IntervalPicker } from './interval-picker';

export const MainChart = component$<ScopeProps>(({ site, share }) => {
  const loc = useLocation();
  const series = useResource$(async ({ track }) => {
    const view = readView(track(() => loc.url));
    const res = await queryStats(chartQuery(site, view), share);
    if (!res.ok) return { ok: false as const, error: res.error };
    const { labels, current, previous } = plotted(view.metric, res.data);
    return {
      ok: true as const,
      metric: view.metric,
      title: titleOf(view),
      interval: view.interval,
      labels,
      series: [
        { name: titleOf(view), data: current },
        ...(view.compare ? [{ name: COMPARE_MODES.find((m) => m.id === view.compare!.mode)!.series, data: previous, dashed: true }] : []),
      ],
    };
  });
  const view = readView(loc.url);
  return (
    <section class="card chart-card" aria-labelledby="chart-title">
      <div class="chart-head">
        <h2 id="chart-title">{titleOf(view)}</h2>
        <IntervalPicker />
      </div>
      <Resource
        value={series}
        onPending={() => <Skeleton rows={3} />}
        onResolved={(r) =>
          r.ok ? (
            <ApexChart id="main-chart" labels={r.labels} series={r.series} metric={r.metric} interval={r.interval} label={`${r.title} by ${r.interval}`} />
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
