/** The main graph: the selected metric over time, at the chosen interval, with the comparison. */
import { component$, Resource, useResource$, useSignal, useTask$ } from '@builder.io/qwik';
import { bucketOf } from '../../lib/annotation-buckets';
import { listAnnotations, type Annotation } from '../../lib/annotations';
import { viewDays } from '../../lib/period-step';
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
import { ChartAnnotations } from './chart-annotations';
import { IntervalPicker } from './interval-picker';

export const MainChart = component$<ScopeProps & { today: string }>(({ site, share, today }) => {
  const loc = useLocation();
  // the range's annotations, drawn as marks; a share link that may not read them draws none
  const notes = useSignal<Annotation[]>([]);
  useTask$(async ({ track }) => {
    const days = viewDays(readView(track(() => loc.url)), today);
    const res = await listAnnotations(site, share, days?.[0] ?? null, days?.[1] ?? null);
    notes.value = res.ok ? res.data : [];
  });
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
            <ApexChart
              id="main-chart"
              labels={r.labels}
              series={r.series}
              metric={r.metric}
              interval={r.interval}
              label={`${r.title} by ${r.interval}`}
              marks={notes.value.flatMap((a) => {
                const x = bucketOf(a.date, r.labels);
                return x ? [{ x, text: a.text }] : [];
              })}
            />
          ) : (
            <p class="error" role="alert">
              Could not load the graph: {r.error}
            </p>
          )
        }
      />
      {share === null && <ChartAnnotations site={site} notes={notes} today={today} />}
    </section>
  );
});
