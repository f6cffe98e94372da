/**
 * A range calendar as Plausible's: two months side by side (one at phone width), opened on the
 * range it is given. The first pick (click, or Enter / Space on the focused day) starts a range,
 * the second ends it (swapped when earlier); days after `today` cannot be picked. Apply hands
 * the range to `onApply$`, Cancel to `onCancel$`.
 *
 * Keyboard, as the WAI-ARIA date picker grid: ← → a day, ↑ ↓ a week, PageUp / PageDown a month,
 * Home / End the week's Monday / Sunday, Escape cancels; one day is in the tab order (roving tabindex). Each
 * month is a `table` with role grid, its days gridcells with `aria-selected` for the picked
 * range. The date maths is `src/lib/calendar.ts`.
 *
 * Only rendered once someone asks for it (CustomRange), so none of this loads before then.
 */
import { $, component$, sync$, useStore, useStyles$, useVisibleTask$, type QRL } from '@builder.io/qwik';
import { dayLabel, inRange, monthGrid, monthOf, monthTitle, moveFocus, pickDay, pickedDays, shiftMonth, WEEKDAYS, type Month } from '../../lib/calendar';
import type { Days } from '../../lib/period-step';
import styles from './range-calendar.css?inline';

/** Below this width one month is shown (the CSS's breakpoint). */
const NARROW = '(max-width: 600px)';

export interface RangeCalendarProps {
  /** names the calendar and its test id: "period" or "compare" */
  id: string;
  label: string;
  range: Days | null;
  today: string;
  onApply$: QRL<(range: Days) => void>;
  onCancel$: QRL<() => void>;
}

export const RangeCalendar = component$<RangeCalendarProps>((props) => {
  useStyles$(styles);
  const end = props.range?.[1] && props.range[1] <= props.today ? props.range[1] : props.today;
  const state = useStore({
    start: props.range?.[0] ?? null,
    end: props.range?.[1] ?? null,
    focus: end,
    // the left month: the range's end shows in the right one (the only one at phone width)
    month: shiftMonth(monthOf(end), -1),
  });

  /** Moves the focus to `day`, never past today, turning the months when it leaves them. */
  const focusDay = $((day: string) => {
    const next = day > props.today ? props.today : day;
    const narrow = matchMedia(NARROW).matches;
    const first = narrow ? shiftMonth(state.month, 1) : state.month;
    const last = shiftMonth(state.month, 1);
    if (monthOf(next) < first) state.month = narrow ? shiftMonth(monthOf(next), -1) : monthOf(next);
    else if (monthOf(next) > last) state.month = shiftMonth(monthOf(next), -1);
    state.focus = next;
  });

  const pick = $((day: string) => {
    if (day > props.today) return;
    const picked = pickDay({ start: state.start, end: state.end }, day);
    state.start = picked.start;
    state.end = picked.end;
    state.focus = day;
  });

  const onKey = $(async (e: KeyboardEvent) => {
    if (e.key === 'Escape') return props.onCancel$();
    if (!(e.target as HTMLElement).closest('[data-day]')) return;
    // from the focus as the state has it, not the event's cell: keys pressed faster than the
    // focus moves (its task runs after a render) still count one step each
    if (e.key === 'Enter' || e.key === ' ') return pick(state.focus);
    const to = moveFocus(state.focus, e.key);
    if (to) await focusDay(to);
  });

  // the focused day takes the keyboard focus: when the calendar opens, and after each move
  useVisibleTask$(({ track }) => {
    const day = track(() => state.focus);
    document.querySelector<HTMLElement>(`[data-calendar="${props.id}"] [data-day="${day}"]`)?.focus();
  });

  const picked = pickedDays(state);
  const shown: Month[] = [state.month, shiftMonth(state.month, 1)];
  return (
    <div class="range-calendar" data-calendar={props.id} role="group" aria-label={props.label}>
      <div class="cal-nav">
        <button type="button" class="cal-turn" aria-label="Previous month" onClick$={() => (state.month = shiftMonth(state.month, -1))}>
          ‹
        </button>
        <p class="cal-status" aria-live="polite" data-testid="calendar-status">
          {state.start && !state.end ? `From ${state.start}: pick the last day` : picked ? `${picked[0]} to ${picked[1]}` : 'Pick the first day'}
        </p>
        <button type="button" class="cal-turn" aria-label="Next month" disabled={shiftMonth(state.month, 1) >= monthOf(props.today)} onClick$={() => (state.month = shiftMonth(state.month, 1))}>
          ›
        </button>
      </div>
      <div
        class="cal-months"
        // the keys that would scroll the page must be stopped synchronously, before Qwik loads the handler
        onKeyDown$={[sync$((e: KeyboardEvent) => void (['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'PageUp', 'PageDown', 'Home', 'End', ' ', 'Enter'].includes(e.key) && (e.target as HTMLElement).dataset.day && e.preventDefault())), onKey]}
        onClick$={(e) => {
          const day = (e.target as HTMLElement).closest<HTMLElement>('[data-day]')?.dataset.day;
          if (day) return pick(day);
        }}
      >
        {shown.map((month) => (
          <table key={month} role="grid" class="cal-month" aria-labelledby={`cal-${props.id}-${month}`}>
            <caption id={`cal-${props.id}-${month}`}>{monthTitle(month)}</caption>
            <thead>
              <tr>
                {WEEKDAYS.map(([short, long]) => (
                  <th key={short} scope="col" abbr={long}>
                    {short}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {monthGrid(month).map((week, i) => (
                <tr key={i}>
                  {week.map((day, j) =>
                    day ? (
                      <td
                        key={day}
                        role="gridcell"
                        data-day={day}
                        tabIndex={day === state.focus ? 0 : -1}
                        aria-label={dayLabel(day)}
                        aria-selected={inRange(day, picked) || day === state.start ? 'true' : 'false'}
                        aria-disabled={day > props.today ? 'true' : undefined}
                        data-edge={day === state.start ? 'start' : day === state.end ? 'end' : undefined}
                      >
                        {+day.slice(8, 10)}
                      </td>
                    ) : (
                      <td key={`blank-${j}`} role="gridcell" aria-hidden="true" />
                    ),
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      </div>
      <div class="cal-actions">
        <button type="button" onClick$={props.onCancel$} data-testid="calendar-cancel">
          Cancel
        </button>
        <button type="button" class="primary" disabled={!picked} data-testid="calendar-apply" onClick$={() => picked && props.onApply$(picked)}>
          Apply
        </button>
      </div>
    </div>
  );
});
