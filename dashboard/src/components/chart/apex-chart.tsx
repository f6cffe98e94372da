/**
 * ApexCharts, loaded only when the chart scrolls into view (`useVisibleTask$` + dynamic import),
 * so the library's ~500 KB never delay the first paint or the first interaction.
 *
 * The draw is race-free: a view change that lands while the library is still loading (the first
 * click after a page load) only replaces the options waiting to be drawn, and whatever is drawn
 * last is always the latest props. See `drawLatest`.
 */
import { component$, useSignal, useVisibleTask$ } from '@builder.io/qwik';
import { chartOptions, type ChartProps } from './chart-options';

export type { ChartProps, ChartSeries } from './chart-options';

interface ApexLike {
  render(): Promise<void>;
  updateOptions(options: object, redraw?: boolean): Promise<void>;
  destroy(): void;
}

/** One chart per element: what is drawn, what should be, and whether a draw is running. */
interface Holder {
  chart: ApexLike | null;
  wanted: object;
  drawing: boolean;
  /** the component is gone (a view change re-mounts it): a draw still importing must not create a chart */
  disposed: boolean;
}

// Keyed by the element, not kept in a store: an ApexCharts instance cannot be serialized, and
// a task run must see the other runs' chart even while they are still awaiting the import.
const holders = new WeakMap<HTMLElement, Holder>();

async function drawLatest(el: HTMLElement, holder: Holder): Promise<void> {
  if (holder.drawing) return; // the running draw picks up `wanted` when it finishes
  holder.drawing = true;
  try {
    let drawn: object | null = null;
    while (drawn !== holder.wanted) {
      drawn = holder.wanted;
      if (holder.chart) await holder.chart.updateOptions(drawn, true);
      else {
        const { default: ApexCharts } = await import('apexcharts');
        // unmounted while the library loaded: a chart made now would never be destroyed, and
        // would answer for this chart id beside the one the new mount draws
        if (holder.disposed) return;
        // an instance of a mount whose cleanup never ran still holds this chart id; the id's
        // lookups (ApexCharts.getChartByID, the tests) would keep answering with its old series
        const id = (drawn as { chart?: { id?: string } }).chart?.id;
        if (id) ApexCharts.getChartByID(id)?.destroy();
        holder.chart = new ApexCharts(el, drawn) as unknown as ApexLike;
        await holder.chart.render();
        if (holder.disposed) holder.chart.destroy();
      }
    }
  } finally {
    holder.drawing = false;
  }
}

export const ApexChart = component$<ChartProps>((props) => {
  const el = useSignal<HTMLElement>();
  const drawn = useSignal(false);
  const failed = useSignal<string | null>(null);
  const version = useSignal(0);

  useVisibleTask$(async ({ track }) => {
    track(() => [props.labels, props.series, props.metric, props.interval, props.marks]);
    const node = el.value!;
    const css = getComputedStyle(document.documentElement);
    const options = chartOptions(props, {
      color: (name) => css.getPropertyValue(name).trim(),
      dark: matchMedia('(prefers-color-scheme: dark)').matches,
      width: node.clientWidth || window.innerWidth,
    });
    const holder = holders.get(node) ?? { chart: null, wanted: options, drawing: false, disposed: false };
    holders.set(node, holder);
    holder.wanted = options;
    try {
      await drawLatest(node, holder);
      drawn.value = true;
      version.value++;
      failed.value = null;
    } catch (e) {
      failed.value = e instanceof Error ? e.message : String(e);
    }
  });

  useVisibleTask$(({ cleanup }) =>
    cleanup(() => {
      const node = el.value;
      const holder = node && holders.get(node);
      if (holder) {
        holder.disposed = true;
        holder.chart?.destroy();
        holders.delete(node);
      }
    }),
  );

  return (
    <div class="chart" role="img" aria-label={props.label}>
      {failed.value && <p class="error">The chart could not be drawn: {failed.value}</p>}
      {!drawn.value && !failed.value && <div class="chart-placeholder">Loading chart…</div>}
      {/* ApexCharts owns this element's children; Qwik never renders into it */}
      <div ref={el} data-testid="chart" data-chart={props.id} data-points={props.labels.length} data-drawn={drawn.value ? version.value : undefined} />
    </div>
  );
});
