/**
 * The filter menu's saved segments: each is a link that applies it (`f=segment,is,<id>`), so every
 * card refetches with `["is", "segment", [id]]`, as Plausible's dashboard sends it; and the form
 * that saves the current filters as a new segment (`POST …/segments`), which then applies it in
 * their place, as Plausible does.
 */
import { $, component$, useSignal, type Signal } from '@builder.io/qwik';
import { Link, useLocation, useNavigate } from '@builder.io/qwik-city';
import type { Segment, SegmentScope } from '../../../../contract/api';
import { createSegment } from '../../lib/segments';
import { apiFilters, hrefWithFilter, hrefWithoutFilter, isFilter, readView, SEGMENT } from '../../lib/view';

export const SegmentList = component$<{ segments: Signal<Segment[] | null> }>(({ segments }) => {
  const loc = useLocation();
  const active = readView(loc.url).filters.find((f) => f.dimension === SEGMENT)?.values[0] ?? null;
  const list = segments.value;
  if (!list || list.length === 0) return null;
  return (
    <nav class="segments" data-testid="segments" aria-label="Saved segments">
      <h3>Saved segments</h3>
      {list.map((s) => (
        <Link prefetch={false} key={s.id} href={hrefWithFilter(loc.url, isFilter(SEGMENT, String(s.id)))} aria-current={String(s.id) === active ? 'true' : 'false'} data-segment={s.id}>
          <span>{s.name}</span>
          <small>{s.scope === 'personal' ? 'personal' : 'site'}</small>
        </Link>
      ))}
    </nav>
  );
});

export const SaveSegment = component$<{ site: string; segments: Signal<Segment[] | null>; onSaved$: () => void }>(({ site, segments, onSaved$ }) => {
  const loc = useLocation();
  const nav = useNavigate();
  const name = useSignal('');
  const scope = useSignal<SegmentScope>('personal');
  const error = useSignal('');
  const busy = useSignal(false);
  // a segment of segments is not a thing the API stores: only the plain filters are saved
  const plain = readView(loc.url).filters.filter((f) => f.dimension !== SEGMENT);

  const save = $(async () => {
    const filters = apiFilters(readView(loc.url).filters.filter((f) => f.dimension !== SEGMENT));
    if (!name.value.trim()) return void (error.value = 'Name the segment.');
    busy.value = true;
    const res = await createSegment(site, { name: name.value.trim(), scope: scope.value, filters });
    busy.value = false;
    if (!res.ok) return void (error.value = `Could not save the segment: ${res.error}`);
    error.value = '';
    name.value = '';
    segments.value = [...(segments.value ?? []), res.data];
    await nav(hrefWithFilter(new URL(hrefWithoutFilter(loc.url, null), loc.url), isFilter(SEGMENT, String(res.data.id))));
    onSaved$();
  });

  if (plain.length === 0) return null;
  return (
    <form class="save-segment" data-testid="save-segment" preventdefault:submit onSubmit$={save} aria-label="Save current filters as a segment">
      <h3>Save current filters as a segment</h3>
      <label>
        Name <input name="name" required maxLength={255} value={name.value} onInput$={(_, el) => (name.value = el.value)} />
      </label>
      <label>
        Visible to
        <select name="scope" value={scope.value} onChange$={(_, el) => (scope.value = el.value as SegmentScope)}>
          <option value="personal" selected={scope.value === 'personal'}>
            only me
          </option>
          <option value="site" selected={scope.value === 'site'}>
            everyone on this site
          </option>
        </select>
      </label>
      {error.value && (
        <p class="error" role="alert">
          {error.value}
        </p>
      )}
      <button type="submit" disabled={busy.value}>
        Save segment
      </button>
    </form>
  );
});
