/**
 * Date range picker with ← / →, the comparison, the filter menu (builder and saved segments), the
 * active filters as removable chips and the keyboard shortcuts. The periods, comparison modes and
 * chips are plain links that rewrite the URL, so they work before (and without) any JavaScript;
 * the builder and the custom ranges' calendar need it. `today` is the site's day (its time zone), for stepping.
 */
import { component$, useSignal, useTask$ } from '@builder.io/qwik';
import { Link, useLocation } from '@builder.io/qwik-city';
import type { Segment } from '../../../../contract/api';
import type { ScopeProps } from '../breakdown/breakdown';
import { listSegments } from '../../lib/segments';
import { SEQUENCE } from '../../lib/sequence-filter';
import { formatFilter, hrefWith, hrefWithoutFilter, PERIODS, readView, SEGMENT, type FilterSpec } from '../../lib/view';
import { viewDays } from '../../lib/period-step';
import { CompareMenu } from './compare-menu';
import { CustomRange } from './custom-range';
import { DateStep } from './date-step';
import { filterWords, periodText } from './filter-text';
import { FilterMenu } from './filter-menu';
import { Shortcuts } from './shortcuts';

/** A chip's words: "source is Google or Bing", "segment Mobile visitors" for a saved segment, "Visits through / → Signup" for funnel steps. */
function chipText(f: FilterSpec, segments: Segment[] | null): [string, string] {
  if (f.dimension === SEGMENT) return ['segment', segments?.find((s) => String(s.id) === f.values[0])?.name ?? `#${f.values[0]}`];
  return filterWords(f);
}

export const Controls = component$<Pick<ScopeProps, 'site' | 'share'> & { today: string }>(({ site, share, today }) => {
  const loc = useLocation();
  const view = readView(loc.url);
  const segments = useSignal<Segment[] | null>(null);
  // once per page: the list changes only when someone saves one
  useTask$(async () => {
    const res = await listSegments(site, share);
    segments.value = res.ok ? res.data : [];
  });
  const picker = useSignal<HTMLDetailsElement>();
  // the range calendar opens on the days the view shows now, whatever the period
  const shown = viewDays(view, today);
  return (
    <div class="controls">
      <DateStep today={today} />
      <details class="picker" ref={picker} data-testid="period-picker">
        <summary class="button" data-testid="period">
          {periodText(view)}
        </summary>
        {/* A <details> stays open across a client-side navigation: a chosen period closes it. */}
        <div class="menu" onClick$={(e) => (e.target as Element).closest('a[data-period]') && picker.value && (picker.value.open = false)}>
          {/* 'false', not undefined: an attribute Qwik once rendered stays after a client-side
              re-render that omits it, and two periods read as current */}
          {PERIODS.filter((p) => p.id !== 'custom').map((p) => (
            <Link prefetch={false} key={p.id} href={hrefWith(loc.url, { period: p.id, from: null, to: null, interval: null })} aria-current={p.id === view.period ? 'true' : 'false'} data-period={p.id}>
              {p.label}
            </Link>
          ))}
          <CustomRange id="period" label="Custom range" range={shown} today={today} params={['from', 'to']} set={{ period: 'custom', interval: null }} />
        </div>
      </details>
      <CompareMenu today={today} />
      <FilterMenu site={site} share={share} segments={segments} />
      {view.filters.length > 0 && (
        <ul class="filters" aria-label="Active filters" data-testid="filters">
          {view.filters.map((f) => (
            <li key={f.dimension} class="chip" data-filter={formatFilter(f)}>
              <span>
                {chipText(f, segments.value)[0]} <strong>{chipText(f, segments.value)[1]}</strong>
              </span>
              <Link prefetch={false} href={hrefWithoutFilter(loc.url, f.dimension)} aria-label={`Remove filter ${chipText(f, segments.value).join(' ')}`} data-remove>
                ×
              </Link>
            </li>
          ))}
          {view.filters.length > 1 && (
            <li>
              <Link prefetch={false} href={hrefWithoutFilter(loc.url, null)}>Clear all</Link>
            </li>
          )}
        </ul>
      )}
      {view.filters.some((f) => f.dimension === SEQUENCE) && (
        <p class="muted sequence-note" data-testid="sequence-note">
          Visits in which these steps happened in order. The Pages, Goals and Properties cards show what each of those visits did right after the last step.
        </p>
      )}
      <Shortcuts today={today} />
    </div>
  );
});
