/** The main graph: the selected metric over time, at the chosen interval, with the comparison. */
import { component$, Resource, useResource$, useSignal } from '@builder.io/qwik';
import { bucketOf } from '../../lib/annotation-buckets';
import { firingText, listAnnotations, listChartFirings, type Annotation, type ChartFiring } from '../../lib/annotations';
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

/**
 * Why the chart is keyed by the view (`drawKey`): the props it gets inside `onResolved` are
 * members of the resolved value (`r.series`), which Qwik's optimizer passes as "immutable" props.
 * An ApexChart instance that Qwik reuses (same position, same key) therefore never sees new
 * series: Qwik skips immutable props when it updates a child's props. It used to redraw only
 * because the Resource showed its skeleton while pending, which unmounted the chart; when the
 * chart's code is fetched at click time (no idle preload) the pending state is not always rendered,
 * and the old series stayed. A new key per view makes every new series a new mount.
 */
export const MainChart = component$<ScopeProps & { today: string }>(({ site, share, today }) => {
  const loc = useLocation();
  // bumped after an annotation is added or deleted: the chart and its list read them again
  const edits = useSignal(0);
  const annotationsOpen = useSignal(false);
  const series = useResource$(async ({ track }) => {
    const view = readView(track(() => loc.url));
    track(() => edits.value);
    const days = viewDays(view, today);
    // the range's annotations come with the series, so one resolved value draws both (a share
    // link that may not read them draws none)
    const [res, listed, fired] = await Promise.all([
      queryStats(chartQuery(site, view), share),
      listAnnotations(site, share, days?.[0] ?? null, days?.[1] ?? null),
      days ? listChartFirings(site, share, days[0], days[1]) : null,
    ]);
    if (!res.ok) return { ok: false as const, error: res.error };
    const notes: Annotation[] = listed.ok ? listed.data : [];
    const firings: ChartFiring[] = fired?.ok ? fired.data : [];
    const { labels, current, previous } = plotted(view.metric, res.data);
    return {
      ok: true as const,
      drawKey: `${loc.url.search}#${edits.value}`,
      metric: view.metric,
      title: titleOf(view),
      interval: view.interval,
      labels,
      notes,
      marks: [...notes.map((a) => ({ date: a.date, text: a.text })), ...firings.map((f) => ({ date: f.date, text: firingText(f) }))].flatMap((m) => {
        const x = bucketOf(m.date, labels);
        return x ? [{ x, text: m.text }] : [];
      }),
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
            // keyed by the view: each new series mounts a new chart (see drawKey above the component)
            <ApexChart
              key={r.drawKey}
              id="main-chart"
              labels={r.labels}
              series={r.series}
              metric={r.metric}
              interval={r.interval}
              label={`${r.title} by ${r.interval}`}
              marks={r.marks}
            />
          ) : (
            <p class="error" role="alert">
              Could not load the graph: {r.error}
            </p>
          )
        }
      />
      {share === null && (
        <Resource value={series} onResolved={(r) => <ChartAnnotations site={site} notes={r.ok ? r.notes : []} edits={edits} open={annotationsOpen} today={today} />} />
      )}
    </section>
  );
});
