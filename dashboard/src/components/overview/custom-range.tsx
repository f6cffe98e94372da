/**
 * "Custom range…" in the period menu and the comparison menu: a button that opens the range
 * calendar in place, prefilled with `range`. The calendar is rendered only once the button is
 * pressed, so its code (and this component's re-render) loads on that click, never before.
 * Apply rewrites the URL's `params` (`from`/`to` or `compare_from`/`compare_to`, with `set`)
 * through a client-side navigation and closes the menu around it.
 */
import { $, component$, useSignal } from '@builder.io/qwik';
import { useLocation, useNavigate } from '@builder.io/qwik-city';
import { hrefWith } from '../../lib/view';
import type { Days } from '../../lib/period-step';
import { RangeCalendar } from '../range-calendar/range-calendar';

export interface CustomRangeProps {
  /** "period" or "compare": the calendar's id and the button's test id */
  id: string;
  label: string;
  range: Days | null;
  today: string;
  /** the URL parameters the picked days go into, and the others Apply sets with them */
  params: [from: string, to: string];
  set: Record<string, string | null>;
}

export const CustomRange = component$<CustomRangeProps>((props) => {
  const open = useSignal(false);
  const nav = useNavigate();
  const loc = useLocation();

  const cancel = $(() => {
    open.value = false;
    // back to the button, which Qwik renders again once the calendar is gone
    requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-testid=custom-${props.id}]`)?.focus());
  });
  const apply = $(async ([from, to]: Days) => {
    const href = hrefWith(loc.url, { ...props.set, [props.params[0]]: from, [props.params[1]]: to });
    // a <details> stays open across a client-side navigation: the applied range closes it
    document.querySelector(`[data-calendar="${props.id}"]`)?.closest('details')?.removeAttribute('open');
    open.value = false;
    await nav(href);
  });

  if (open.value) return <RangeCalendar id={props.id} label={props.label} range={props.range} today={props.today} onApply$={apply} onCancel$={cancel} />;
  return (
    <button type="button" class="custom-range" data-testid={`custom-${props.id}`} onClick$={() => (open.value = true)}>
      {props.label}…
    </button>
  );
});
