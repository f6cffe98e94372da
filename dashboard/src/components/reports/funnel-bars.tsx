/**
 * A funnel's steps as horizontal bars (width = share of step 1), with the drop-off between steps.
 * `stepLinks[k]`, when given, opens the overview filtered by the visits that reached step k+1.
 */
import { component$ } from '@builder.io/qwik';
import { Link } from '@builder.io/qwik-city';
import type { FunnelReport } from '../../../../contract/reports';
import { formatDuration } from '../../lib/format';
import { plural, rangeLabel } from './report-query';

export const FunnelBars = component$((props: { report: FunnelReport; stepLinks?: string[] | null }) => {
  const { steps, meta } = props.report;
  const first = steps[0]?.visitors ?? 0;
  if (first === 0) {
    return (
      <p class="empty" data-empty>
        No visitor reached the first step ({steps[0]?.name}) in {rangeLabel(meta.date_range)}.
      </p>
    );
  }
  return (
    <>
      <p class="muted">
        {rangeLabel(meta.date_range)} · {meta.window === 'session' ? 'steps within one visit' : `steps within ${meta.window} (identified visitors)`}
      </p>
      <ol class="steps" data-rows>
        {steps.map((s, i) => (
          <li key={i} data-step={i + 1} data-visitors={s.visitors} data-conversion={s.conversion_rate}>
            {i > 0 && (
              <p class="drop" data-dropoff={s.dropoff}>
                ↓ {s.step_conversion_rate}% continued · {s.dropoff} dropped off
                {s.median_seconds !== null && <> · median {formatDuration(s.median_seconds)}</>}
              </p>
            )}
            <div class="step-head">
              {props.stepLinks?.[i] ? (
                <Link prefetch={false} href={props.stepLinks[i]} title={`Show the overview for the visitors who reached step ${i + 1}`} data-step-link>
                  {i + 1}. {s.name}
                </Link>
              ) : (
                <span>
                  {i + 1}. {s.name}
                </span>
              )}
              <span>
                <span class="num" data-testid="step-visitors">
                  {s.visitors}
                </span>{' '}
                {plural(s.visitors, 'visitor')} · <span class="num">{s.conversion_rate}%</span>
              </span>
            </div>
            <div class="step-track" aria-hidden="true">
              <div class="step-bar" style={{ width: `${(s.visitors / first) * 100}%` }} />
            </div>
          </li>
        ))}
      </ol>
      {meta.note && <p class="muted" data-note>{meta.note}</p>}
      {props.stepLinks && <p class="muted">Click a step to see the overview for the visitors who reached it.</p>}
    </>
  );
});
