/**
 * The comparison: a link that switches it on (previous period) or off, and while it is on a menu
 * of Plausible's modes (previous period, year over year, a custom period) with "match day of the
 * week". All links and one GET form, so it works before JavaScript; the URL carries the choice.
 */
import { component$, useSignal } from '@builder.io/qwik';
import { Link, useLocation } from '@builder.io/qwik-city';
import { COMPARE_MODES, hrefWith, readView } from '../../lib/view';

const OFF = { compare: null, compare_from: null, compare_to: null, match_day_of_week: null };

export const CompareMenu = component$(() => {
  const loc = useLocation();
  const view = readView(loc.url);
  const menu = useSignal<HTMLDetailsElement>();
  const c = view.compare;
  const keep = [...loc.url.searchParams.entries()].filter(([k]) => !['compare', 'compare_from', 'compare_to', 'match_day_of_week'].includes(k));
  return (
    <>
      {/* a link, not a toggle button: its text says the state, so no aria-pressed (buttons only) */}
      <Link class="button" href={hrefWith(loc.url, c ? OFF : { compare: 'previous_period' })} data-on={c ? '1' : undefined} data-testid="compare">
        {c ? 'Stop comparing' : 'Compare to previous period'}
      </Link>
      {c && (
        <details class="picker" ref={menu} data-testid="compare-mode">
          <summary class="button">vs. {COMPARE_MODES.find((m) => m.id === c.mode)!.label.toLowerCase()}</summary>
          <div class="menu" onClick$={(e) => (e.target as Element).closest('a') && menu.value && (menu.value.open = false)}>
            {COMPARE_MODES.filter((m) => m.id !== 'custom').map((m) => (
              <Link key={m.id} href={hrefWith(loc.url, { compare: m.id, compare_from: null, compare_to: null })} aria-current={m.id === c.mode ? 'true' : 'false'} data-compare={m.id}>
                {m.label}
              </Link>
            ))}
            {c.mode !== 'custom' && (
              <Link href={hrefWith(loc.url, { match_day_of_week: c.matchDayOfWeek ? null : '1' })} data-testid="match-day-of-week" aria-current={c.matchDayOfWeek ? 'true' : 'false'}>
                {c.matchDayOfWeek ? '✓ Matching day of the week' : 'Match day of the week'}
              </Link>
            )}
            <form method="get" action={loc.url.pathname} data-testid="compare-custom">
              {keep.map(([k, v], i) => (
                <input key={i} type="hidden" name={k} value={v} />
              ))}
              <input type="hidden" name="compare" value="custom" />
              <label>
                Compare from <input type="date" name="compare_from" required value={c.from ?? ''} />
              </label>
              <label>
                to <input type="date" name="compare_to" required value={c.to ?? ''} />
              </label>
              <button type="submit">Compare with these days</button>
            </form>
          </div>
        </details>
      )}
    </>
  );
});
