/** The states every report page shares: navigating (loading), the API's error, and the period note. */
import { component$ } from '@builder.io/qwik';
import { useLocation } from '@builder.io/qwik-city';

/** Shown while a link on the page (period, dimension, row) loads the next answer. */
export const Loading = component$(() => {
  const loc = useLocation();
  return loc.isNavigating ? (
    <p class="muted page-note" role="status" aria-live="polite" data-loading>
      Loading…
    </p>
  ) : null;
});

export const ReportError = component$<{ what: string; message: string }>(({ what, message }) => (
  <p class="error card" role="alert" data-report-error>
    {what} is unavailable: {message}
  </p>
));
