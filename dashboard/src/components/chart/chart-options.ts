/** The ApexCharts options of Pulse's area charts: one number format, no dip below zero. */
import { formatMetric } from '../../lib/format';
import { axisLabel, tickAmount } from '../../lib/chart-labels';
import type { Interval } from '../../lib/view';

export interface ChartSeries {
  name: string;
  /** null: no value (a future bucket), drawn as a gap */
  data: (number | null)[];
  dashed?: boolean;
}

export interface ChartProps {
  /** ApexCharts' chart id: `ApexCharts.getChartByID(id)` (and the tests) read what is plotted */
  id: string;
  labels: string[];
  series: ChartSeries[];
  /** the metric plotted: values are formatted as the top stats and cards format it */
  metric: string;
  interval: Interval;
  label: string;
  /** vertical marks with a note: `x` is one of `labels` (the main chart's annotations) */
  marks?: { x: string; text: string }[];
}

export interface Theme {
  color(cssVar: string): string;
  dark: boolean;
  /** the chart's width in pixels, to space the x labels */
  width: number;
}

/** What `drawMarks` needs of an ApexCharts instance. */
interface MarkTarget {
  w: { globals: { seriesXvalues: number[][] } };
  addXaxisAnnotation(options: object, pushToMemory?: boolean): void;
}

/**
 * Draws the marks at the x pixel of their bucket's point. Not through `annotations.xaxis`:
 * an area chart's categories become numbers once `tickAmount` is set, and ApexCharts then
 * places a category annotation at the n-th x label drawn, which is another bucket or none.
 */
function drawMarks(chart: MarkTarget, props: ChartProps, theme: Theme): void {
  const xs = chart.w.globals.seriesXvalues[0] ?? [];
  for (const m of props.marks ?? []) {
    const px = xs[props.labels.indexOf(m.x)];
    if (px === undefined) continue;
    chart.addXaxisAnnotation(
      {
        x: `${px}px`,
        borderColor: theme.color('--muted'),
        strokeDashArray: 3,
        label: { text: m.text, orientation: 'horizontal', borderColor: theme.color('--border'), style: { background: theme.color('--card'), color: theme.color('--text'), fontSize: '11px', cssClass: 'chart-mark' } },
      },
      false,
    );
  }
}

export function chartOptions(props: ChartProps, theme: Theme): object {
  const fmt = (v: number | null) => formatMetric(props.metric, v);
  return {
    chart: {
      id: props.id, type: 'area', height: 300, toolbar: { show: false }, zoom: { enabled: false }, animations: { enabled: false }, background: 'transparent', fontFamily: 'inherit',
      // after every draw (a resize redraws too): the marks go where their buckets' points are
      events: { mounted: (c: MarkTarget) => drawMarks(c, props, theme), updated: (c: MarkTarget) => drawMarks(c, props, theme) },
    },
    theme: { mode: theme.dark ? 'dark' : 'light' },
    colors: [theme.color('--accent'), theme.color('--muted')],
    series: props.series.map((s) => ({ name: s.name, data: s.data })),
    xaxis: {
      categories: props.labels,
      tickAmount: tickAmount(props.labels.length, theme.width),
      tickPlacement: 'on',
      labels: { formatter: (l: string) => axisLabel(String(l ?? ''), props.interval), hideOverlappingLabels: true, rotate: 0, trim: false },
      tooltip: { enabled: false },
    },
    yaxis: { min: 0, forceNiceScale: true, labels: { formatter: fmt } },
    // monotone cubic: smooth, but never overshoots its points (a plain spline dips below zero
    // next to a zero bucket and invents values between them)
    stroke: { curve: 'monotoneCubic', width: 2, dashArray: props.series.map((s) => (s.dashed ? 5 : 0)) },
    fill: { type: 'gradient', gradient: { opacityFrom: 0.35, opacityTo: 0.02 } },
    dataLabels: { enabled: false },
    grid: { borderColor: theme.color('--border') },
    legend: { show: props.series.length > 1 },
    tooltip: { theme: theme.dark ? 'dark' : 'light', x: { formatter: (_: unknown, o: { dataPointIndex: number }) => props.labels[o?.dataPointIndex] ?? '' }, y: { formatter: fmt } },
  };
}
