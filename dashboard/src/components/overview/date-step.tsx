/**
 * ← / → beside the period: the same length one period back or forward (whole months step by
 * months). Links, so they work before JavaScript; forward is disabled where it would reach
 * past today, and both are absent for "Last 24 hours" and "All time", which have no period.
 */
import { component$ } from '@builder.io/qwik';
import { Link, useLocation } from '@builder.io/qwik-city';
import { stepDays, stepParams, viewDays } from '../../lib/period-step';
import { hrefWith, readView } from '../../lib/view';

/** The link one period back (-1) or forward (+1), or null where there is none. */
export function stepHref(url: URL, dir: -1 | 1, today: string): string | null {
  const days = viewDays(readView(url), today);
  const next = days && stepDays(days, dir, today);
  return next ? hrefWith(url, stepParams(next, today)) : null;
}

export const DateStep = component$<{ today: string }>(({ today }) => {
  const loc = useLocation();
  if (!viewDays(readView(loc.url), today)) return null;
  const back = stepHref(loc.url, -1, today);
  const forward = stepHref(loc.url, 1, today);
  return (
    <span class="segmented date-step">
      {back && (
        <Link prefetch={false} href={back} data-testid="step-back" aria-label="Previous period" title="Previous period (←)">
          ←
        </Link>
      )}
      {forward ? (
        <Link prefetch={false} href={forward} data-testid="step-forward" aria-label="Next period" title="Next period (→)">
          →
        </Link>
      ) : (
        // a disabled link: not focusable, and it says why it does nothing
        <span role="link" class="step-off" data-testid="step-forward" aria-disabled="true" aria-label="Next period (none: it would be in the future)" title="No period after this one yet">
          →
        </span>
      )}
    </span>
  );
});
