/**
 * Journeys: the most common paths (bar = share of all sessions in the range), then the
 * transitions position by position as columns, a Sankey read as lists.
 */
import { component$ } from '@builder.io/qwik';
import type { JourneysReport, JourneyTransition } from '../../../../contract/reports';
import { plural, rangeLabel } from './report-query';

const PER_COLUMN = 8;

export const JourneyPaths = component$((props: { report: JourneysReport }) => {
  const { paths, transitions, meta } = props.report;
  const byStep = new Map<number, JourneyTransition[]>();
  for (const t of transitions) byStep.set(t.step, [...(byStep.get(t.step) ?? []), t]);
  return (
    <>
      <p class="muted">
        {meta.sessions} {plural(meta.sessions, 'session')} · {rangeLabel(meta.date_range)} · {meta.start ? `from the first view of ${meta.start}` : 'from the entry page'}
      </p>
      <ol class="paths" data-rows>
        {paths.map((p, i) => (
          <li key={i} class="path" data-path={p.pages.join(' → ')} data-sessions={p.sessions} data-visitors={p.visitors}>
            <span class="bar" style={{ width: `${meta.sessions ? (p.sessions / meta.sessions) * 100 : 0}%` }} />
            <span class="pages">
              {p.pages.map((page, j) => (
                <span key={j}>
                  {j > 0 && <span class="arrow">→ </span>}
                  {page === '(exit)' ? <em>exit</em> : page}
                </span>
              ))}
            </span>
            <span>
              <span class="num">{p.sessions}</span> {plural(p.sessions, 'session')} · <span class="num">{p.visitors}</span> {plural(p.visitors, 'visitor')}
            </span>
          </li>
        ))}
      </ol>
      {byStep.size > 0 && (
        <>
          <h3>Transitions</h3>
          <div class="columns" data-transitions>
            {[...byStep.entries()].map(([step, list]) => (
              <div key={step} class="column">
                <h3>
                  Step {step} → {step + 1}
                </h3>
                <ul>
                  {list.slice(0, PER_COLUMN).map((t, i) => (
                    <li key={i} data-from={t.from} data-to={t.to} data-sessions={t.sessions}>
                      <span>
                        {t.from} → {t.to === '(exit)' ? <em>exit</em> : t.to}
                      </span>
                      <span class="num">{t.sessions}</span>
                    </li>
                  ))}
                  {list.length > PER_COLUMN && <li class="muted">+{list.length - PER_COLUMN} more</li>}
                </ul>
              </div>
            ))}
          </div>
        </>
      )}
    </>
  );
});
