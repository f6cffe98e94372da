/**
 * The overview's keyboard shortcuts, as Plausible's: one key per period (the `key` of each
 * PERIODS entry), ← / → to step the period, x to switch the comparison, c for a custom range and
 * ? for this list. The listener is `useOnDocument`, so its code loads on the first key press, not
 * with the page; keys typed into a field or a grid, or with a modifier, are left alone.
 */
import { $, component$, useOnDocument, useSignal } from '@builder.io/qwik';
import { useLocation, useNavigate } from '@builder.io/qwik-city';
import { hrefWith, PERIODS, readView } from '../../lib/view';
import { stepHref } from './date-step';

export const SHORTCUTS: [key: string, what: string][] = [
  ...PERIODS.filter((p) => p.id !== 'custom').map((p): [string, string] => [p.key, p.label]),
  ['c', 'Custom range'],
  ['←', 'Previous period'],
  ['→', 'Next period'],
  ['x', 'Compare to the previous period, or stop comparing'],
  ['?', 'Show these shortcuts'],
];

// a grid (the range calendar) has its own arrow keys; Qwik runs document listeners before the
// grid's own, so its preventDefault cannot be seen here
const typing = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName) || !!t.closest('[role=grid]'));

export const Shortcuts = component$<{ today: string }>(({ today }) => {
  const loc = useLocation();
  const nav = useNavigate();
  const dialog = useSignal<HTMLDialogElement>();

  useOnDocument(
    'keydown',
    $(async (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || typing(e.target) || dialog.value?.open) return;
      const url = new URL(loc.url);
      let href: string | null = null;
      if (e.key === '?') {
        e.preventDefault();
        dialog.value?.showModal();
        return;
      }
      if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') href = stepHref(url, e.key === 'ArrowLeft' ? -1 : 1, today);
      else if (e.key === 'x') href = hrefWith(url, readView(url).compare ? { compare: null, compare_from: null, compare_to: null, match_day_of_week: null } : { compare: 'previous_period' });
      else if (e.key === 'c') {
        const picker = document.querySelector<HTMLDetailsElement>('details.picker[data-testid=period-picker]');
        if (picker) {
          e.preventDefault();
          picker.open = true;
          // opens the range calendar, which takes the focus once it has drawn
          picker.querySelector<HTMLButtonElement>('[data-testid=custom-period]')?.click();
        }
        return;
      } else {
        const period = PERIODS.find((p) => p.id !== 'custom' && p.key === e.key);
        if (period) href = hrefWith(url, { period: period.id, from: null, to: null, interval: null });
      }
      if (href) {
        e.preventDefault();
        await nav(href);
      }
    }),
  );

  return (
    <>
      <button type="button" class="button" data-testid="shortcuts" aria-haspopup="dialog" title="Keyboard shortcuts (?)" onClick$={() => dialog.value?.showModal()}>
        <span aria-hidden="true">?</span>
        <span class="visually-hidden">Keyboard shortcuts</span>
      </button>
      {/* a modal <dialog>: focus moves in, stays in, and Escape closes it (the browser's own) */}
      <dialog ref={dialog} class="card shortcuts" aria-labelledby="shortcuts-title" data-testid="shortcuts-dialog">
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <dl>
          {SHORTCUTS.map(([key, what]) => (
            <div key={key}>
              <dt>
                <kbd>{key}</kbd>
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
        <form method="dialog">
          <button type="submit" autofocus>
            Close
          </button>
        </form>
      </dialog>
    </>
  );
});
