/**
 * The daily p75 of one metric as an inline SVG line (no chart bundle for five small lines).
 * Days without samples break the line instead of being drawn as zero.
 */
import { component$ } from '@builder.io/qwik';
import type { VitalsReport } from '../../../../contract/reports';
import { formatVital, type VitalName } from './report-params';

type Day = NonNullable<VitalsReport['timeseries']>[number];

export const VitalTrend = component$<{ metric: VitalName; days: Day[] }>(({ metric, days }) => {
  const w = 300;
  const h = 60;
  const values = days.map((d) => d[metric]);
  const known = values.filter((v): v is number => v !== null);
  const max = Math.max(...known, metric === 'CLS' ? 0.01 : 1);
  const step = days.length > 1 ? w / (days.length - 1) : 0;
  const y = (v: number) => (h - 3 - (v / max) * (h - 6)).toFixed(1);
  // one polyline per run of measured days; a lone measured day is drawn as a dot
  const runs: { x: number; v: number }[][] = [];
  values.forEach((v, i) => {
    if (v === null) return runs.push([]);
    if (runs.length === 0) runs.push([]);
    runs[runs.length - 1]!.push({ x: days.length > 1 ? i * step : w / 2, v });
  });
  const first = days[0]?.date ?? '';
  const last = days[days.length - 1]?.date ?? '';
  return (
    <figure class="vital-trend" data-trend={metric}>
      <figcaption>
        <strong>{metric}</strong> <span class="muted">daily p75, {first} – {last}</span>
      </figcaption>
      {known.length === 0 ? (
        <p class="muted">no samples in this range</p>
      ) : (
        <svg viewBox={`0 0 ${w} ${h}`} preserveAspectRatio="none" role="img" aria-label={`${metric} daily p75 from ${first} to ${last}, highest ${formatVital(metric, Math.max(...known))}`}>
          {runs.filter((r) => r.length > 0).map((r, i) =>
            r.length === 1 ? (
              <circle key={i} cx={r[0]!.x.toFixed(1)} cy={y(r[0]!.v)} r="2.5" fill="currentColor" />
            ) : (
              <polyline key={i} points={r.map((p) => `${p.x.toFixed(1)},${y(p.v)}`).join(' ')} fill="none" stroke="currentColor" stroke-width="1.5" vector-effect="non-scaling-stroke" />
            ),
          )}
        </svg>
      )}
      <ol class="visually-hidden">
        {days.map((d) => (
          <li key={d.date} data-day={d.date} data-value={d[metric] ?? ''}>
            {d.date}: {formatVital(metric, d[metric])}
          </li>
        ))}
      </ol>
    </figure>
  );
});
