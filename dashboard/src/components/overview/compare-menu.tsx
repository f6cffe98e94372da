/**
 * The comparison: a link that switches it on (previous period) or off, and while it is on a menu
 * of Plausible's modes (previous period, year over year, a custom period) with "match day of the
 * week". The modes are links, so they work before JavaScript; the custom days are picked on the
 * range calendar. The URL carries the choice.
 */
import { component$, useSignal } from '@builder.io/qwik';
import { Link, useLocation } from '@builder.io/qwik-city';
import { stepDays, viewDays } from '../../lib/period-step';
import { COMPARE_MODES, hrefWith, readView } from '../../lib/view';
import { CustomRange } from './custom-range';

const OFF = { compare: null, compare_from: null, compare_to: null, match_day_of_week: null };

export const CompareMenu = component$<{ today: string }>(({ today }) => {
  const loc = useLocation();
  const view = readView(loc.url);
  const menu = useSignal<HTMLDetailsElement>();
  const c = view.compare;
  // the calendar opens on the custom days, or else on the period before the one shown
  const shown = viewDays(view, today);
  return (
    <>
      {/* a link, not a toggle button: its text says the state, so no aria-pressed (buttons only) */}
      <Link prefetch={false} class="button" href={hrefWith(loc.url, c ? OFF : { compare: 'previous_period' })} data-on={c ? '1' : undefined} data-testid="compare">
        {c ? 'Stop comparing' : 'Compare to previous period'}
      </Link>
      {c && (
        <details class="picker" ref={menu} data-testid="compare-mode">
          <summary class="button">vs. {COMPARE_MODES.find((m) => m.id === c.mode)!.label.toLowerCase()}</summary>
          <div class="menu" onClick$={(e) => (e.target as Element).closest('a') && menu.value && (menu.value.open = false)}>
            {COMPARE_MODES.filter((m) => m.id !== 'custom').map((m) => (
              <Link prefetch={false} key={m.id} href={hrefWith(loc.url, { compare: m.id, compare_from: null, compare_to: null })} aria-current={m.id === c.mode ? 'true' : 'false'} data-compare={m.id}>
                {m.label}
              </Link>
            ))}
            {c.mode !== 'custom' && (
              <Link prefetch={false} href={hrefWith(loc.url, { match_day_of_week: c.matchDayOfWeek ? null : '1' })} data-testid="match-day-of-week" aria-current={c.matchDayOfWeek ? 'true' : 'false'}>
                {c.matchDayOfWeek ? '✓ Matching day of the week' : 'Match day of the week'}
              </Link>
            )}
            <CustomRange id="compare" label="Compare with custom days" range={c.mode === 'custom' && c.from && c.to ? [c.from, c.to] : shown ? stepDays(shown, -1, today) : null} today={today} params={['compare_from', 'compare_to']} set={{ compare: 'custom' }} />
          </div>
        </details>
      )}
    </>
  );
});
