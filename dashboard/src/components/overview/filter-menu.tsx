/**
 * One "Filter" menu, as Plausible's: the filter builder, the saved segments and (signed in, with
 * filters applied) the form that saves them as a segment. The builder's suggestions load only
 * once the menu opens.
 */
import { $, component$, useSignal, useStyles$, type Signal } from '@builder.io/qwik';
import type { Segment } from '../../../../contract/api';
import { FilterBuilder } from './filter-builder';
import styles from './filter-menu.css?inline';
import { SaveSegment, SegmentList } from './segment-menu';

export const FilterMenu = component$<{ site: string; share: string | null; segments: Signal<Segment[] | null> }>(({ site, share, segments }) => {
  useStyles$(styles);
  const menu = useSignal<HTMLDetailsElement>();
  const open = useSignal(false);
  // A <details> stays open across a client-side navigation: an applied filter closes it.
  const close = $(() => {
    if (menu.value) menu.value.open = false;
    open.value = false;
  });
  return (
    <details class="picker filter-menu" data-testid="filter-menu" ref={menu} onToggle$={(_, el) => (open.value = el.open)}>
      <summary class="button">Filter</summary>
      <div class="menu">
        <FilterBuilder site={site} share={share} open={open} onApplied$={close} />
        <SegmentList segments={segments} />
        {!share && <SaveSegment site={site} segments={segments} onSaved$={close} />}
      </div>
    </details>
  );
});
