/**
 * What the three report pages share around their content: the title, a loading line while a new
 * view is fetched (the pages are server-rendered, so "loading" is the navigation to the next one),
 * the error and empty states, and a note naming the view's filters a report cannot apply.
 */
import { component$, Slot, useStyles$ } from '@builder.io/qwik';
import { useLocation } from '@builder.io/qwik-city';
import type { FilterSpec } from '../../lib/view';
import { REPORT_CSS } from './report-styles';

export const ReportFrame = component$((props: { title: string; error?: string | null; ignored?: FilterSpec[] }) => {
  useStyles$(REPORT_CSS);
  const loc = useLocation();
  return (
    <section class="card report" data-report={props.title.toLowerCase()} aria-busy={loc.isNavigating ? 'true' : 'false'}>
      <h2>{props.title}</h2>
      {loc.isNavigating && (
        <p class="muted" role="status" data-loading>
          Loading…
        </p>
      )}
      {props.ignored && props.ignored.length > 0 && (
        <p class="muted" data-ignored>
          Not applied here (this report counts visits, so it takes visit filters only):{' '}
          {props.ignored.map((f) => `${f.dimension.replace(/^event:/, '')} ${f.op.replace('_', ' ')} ${f.values.join(' or ')}`).join('; ')}.
        </p>
      )}
      {props.error ? (
        <p class="error" role="alert" data-error>
          {props.error}
        </p>
      ) : (
        <Slot />
      )}
    </section>
  );
});
