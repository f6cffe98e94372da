/**
 * Retention's cohort triangle: one row per cohort, one cell per later interval, shaded by the
 * percent retained. Cells past today do not exist in the answer, which makes the triangle.
 */
import { component$ } from '@builder.io/qwik';
import type { RetentionReport } from '../../../../contract/reports';

const LABEL = { day: 'Day', week: 'Week', month: 'Month' } as const;

export const CohortTable = component$((props: { report: RetentionReport }) => {
  const { cohorts, meta } = props.report;
  const width = Math.max(0, ...cohorts.map((c) => c.retained.length));
  return (
    <div class="scroll">
      <table class="triangle" data-rows>
        <caption class="visually-hidden">Visitors retained per {meta.interval} after their first visit</caption>
        <thead>
          <tr>
            <th scope="col">Cohort</th>
            <th scope="col" class="num">
              Visitors
            </th>
            {Array.from({ length: width }, (_, k) => (
              <th key={k} scope="col" class="num">
                {LABEL[meta.interval]} {k}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {cohorts.map((c) => (
            <tr key={c.cohort} data-cohort={c.cohort} data-visitors={c.visitors}>
              <th scope="row">{c.cohort}</th>
              <td class="num">{c.visitors}</td>
              {c.retained.map((n, k) => (
                <td
                  key={k}
                  class="cell"
                  data-k={k}
                  data-retained={n}
                  data-percent={c.percent[k]}
                  title={`${n} of ${c.visitors} visitors`}
                  // the shade is the percent itself: 0 % is the card, 100 % the full accent
                  style={{ background: `color-mix(in srgb, var(--accent) ${c.percent[k]}%, transparent)`, color: (c.percent[k] ?? 0) > 55 ? 'var(--card)' : undefined }}
                >
                  {c.visitors === 0 ? '–' : <>{c.percent[k]}%<small>{n}</small></>}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
});
