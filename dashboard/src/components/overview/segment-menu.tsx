/**
 * The filter menu's saved segments: each is a link that applies it (`f=segment,is,<id>`), so every
 * card refetches with `["is", "segment", [id]]`, as Plausible's dashboard sends it.
 */
import { component$, type Signal } from '@builder.io/qwik';
import { Link, useLocation } from '@builder.io/qwik-city';
import type { Segment } from '../../../../contract/api';
import { hrefWithFilter, readView, SEGMENT } from '../../lib/view';

export const SegmentMenu = component$<{ segments: Signal<Segment[] | null> }>(({ segments }) => {
  const loc = useLocation();
  const active = readView(loc.url).filters.find((f) => f.dimension === SEGMENT)?.value ?? null;
  const list = segments.value;
  if (!list || list.length === 0) return null;
  return (
    <details class="picker" data-testid="segments">
      <summary class="button">Segments</summary>
      <div class="menu" role="menu" aria-label="Saved segments">
        {list.map((s) => (
          <Link
            key={s.id}
            role="menuitem"
            href={hrefWithFilter(loc.url, { dimension: SEGMENT, op: 'is', value: String(s.id) })}
            aria-current={String(s.id) === active ? 'true' : undefined}
            data-segment={s.id}
          >
            <span>{s.name}</span>
            <small>{s.scope === 'personal' ? 'personal' : 'site'}</small>
          </Link>
        ))}
      </div>
    </details>
  );
});
