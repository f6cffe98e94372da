/**
 * ApexCharts, loaded only when the chart scrolls into view (`useVisibleTask$` + dynamic import),
 * so the library's ~500 KB never delay the first paint or the first interaction.
 */
import { component$, noSerialize, useSignal, useStore, useVisibleTask$, type NoSerialize } from '@builder.io/qwik';

export interface ChartSeries {
  name: string;
  data: (number | null)[];
  dashed?: boolean;
}

export interface ChartProps {
  labels: string[];
  series: ChartSeries[];
  /** formats a y value, e.g. percentages or durations */
  kind: 'number' | 'percent' | 'duration';
  label: string;
}

interface ApexLike {
  render(): Promise<void>;
  updateOptions(options: object, redraw?: boolean): Promise<void>;
  destroy(): void;
}

function shortLabel(label: string): string {
  // "2026-11-24 13:00:00" -> "13:00"; "2026-11-24" -> "Nov 24"; "2026-11" -> "Nov 2026"
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?(?:[ T](\d{2}:\d{2}))?/.exec(label);
  if (!m) return label;
  const month = new Date(Date.UTC(+m[1]!, +m[2]! - 1, 1)).toLocaleString('en', { month: 'short', timeZone: 'UTC' });
  if (m[4]) return m[4] === '00:00' ? `${month} ${+m[3]!}` : m[4];
  return m[3] ? `${month} ${+m[3]}` : `${month} ${m[1]}`;
}

export const ApexChart = component$<ChartProps>((props) => {
  const el = useSignal<HTMLElement>();
  const state = useStore<{ chart: NoSerialize<ApexLike> | null; failed: string | null }>({ chart: null, failed: null });

  useVisibleTask$(async ({ track, cleanup }) => {
    track(() => [props.labels, props.series, props.kind]);
    const css = getComputedStyle(document.documentElement);
    const color = (name: string) => css.getPropertyValue(name).trim();
    const dark = matchMedia('(prefers-color-scheme: dark)').matches;
    const fmt = (v: number | null) => {
      if (v === null || v === undefined) return '—';
      if (props.kind === 'percent') return `${Math.round(v * 10) / 10}%`;
      if (props.kind === 'duration') return v < 60 ? `${Math.round(v)}s` : `${Math.floor(v / 60)}m ${Math.round(v % 60)}s`;
      return String(Math.round(v * 100) / 100);
    };
    const options = {
      chart: { type: 'area', height: 300, toolbar: { show: false }, zoom: { enabled: false }, animations: { enabled: false }, background: 'transparent', fontFamily: 'inherit' },
      theme: { mode: dark ? 'dark' : 'light' },
      colors: [color('--accent'), color('--muted')],
      series: props.series.map((s) => ({ name: s.name, data: s.data })),
      xaxis: { categories: props.labels, labels: { formatter: shortLabel, hideOverlappingLabels: true, rotate: 0 }, tickAmount: Math.min(props.labels.length, 8) },
      yaxis: { min: 0, labels: { formatter: fmt } },
      stroke: { curve: 'smooth', width: 2, dashArray: props.series.map((s) => (s.dashed ? 5 : 0)) },
      fill: { type: 'gradient', gradient: { opacityFrom: 0.35, opacityTo: 0.02 } },
      dataLabels: { enabled: false },
      grid: { borderColor: color('--border') },
      legend: { show: props.series.length > 1 },
      tooltip: { theme: dark ? 'dark' : 'light', y: { formatter: fmt } },
    };
    try {
      if (state.chart) {
        await state.chart.updateOptions(options, true);
        return;
      }
      const { default: ApexCharts } = await import('apexcharts');
      const chart = new ApexCharts(el.value!, options) as unknown as ApexLike;
      state.chart = noSerialize(chart);
      await chart.render();
    } catch (e) {
      state.failed = e instanceof Error ? e.message : String(e);
    }
  });

  useVisibleTask$(({ cleanup }) => cleanup(() => state.chart?.destroy()));

  return (
    <div class="chart" role="img" aria-label={props.label}>
      {state.failed && <p class="error">The chart could not be drawn: {state.failed}</p>}
      {!state.chart && !state.failed && <div class="chart-placeholder">Loading chart…</div>}
      {/* ApexCharts owns this element's children; Qwik never renders into it */}
      <div ref={el} data-testid="chart" data-points={props.labels.length} data-drawn={state.chart ? '1' : undefined} />
    </div>
  );
});
