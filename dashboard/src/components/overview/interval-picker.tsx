/**
 * The main chart's interval: links (they work before JS) styled as a segmented control, the
 * selected one marked with `aria-current` and drawn pressed.
 */
import { component$ } from '@builder.io/qwik';
import { Link, useLocation } from '@builder.io/qwik-city';
import { hrefWith, intervalsFor, readView } from '../../lib/view';

export const IntervalPicker = component$(() => {
  const loc = useLocation();
  const view = readView(loc.url);
  return (
    <nav class="segmented" aria-label="Interval">
      {intervalsFor(view.period, view.from, view.to).map((i) => (
        <Link prefetch={false} key={i} href={hrefWith(loc.url, { interval: i })} aria-current={i === view.interval ? 'true' : 'false'} data-interval={i}>
          {i[0]!.toUpperCase() + i.slice(1)}
        </Link>
      ))}
    </nav>
  );
});
