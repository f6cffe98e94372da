/**
 * The range calendar's date maths, on plain `YYYY-MM-DD` strings (UTC arithmetic, so no time
 * zone or daylight-saving shift can move a day): month grids that start on Monday, as Plausible's
 * and ISO 8601's weeks do, the day a key moves the focus to, and the range two clicks pick.
 * Pure functions, unit-tested in calendar.test.ts.
 */
import { addDays, addMonths, type Days } from './period-step';

/** `YYYY-MM`, the month a grid shows. */
export type Month = string;

export const monthOf = (day: string): Month => day.slice(0, 7);

/** The month `n` months after `month` (negative: before). */
export const shiftMonth = (month: Month, n: number): Month => monthOf(addMonths(`${month}-01`, n));

/** Days in a month, leap Februaries included (the 0th day of the next month is this month's last). */
export const daysInMonth = (month: Month): number => new Date(Date.UTC(+month.slice(0, 4), +month.slice(5, 7), 0)).getUTCDate();

/** 0 for Monday … 6 for Sunday. */
export const weekdayIndex = (day: string): number => (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;

/**
 * A month as rows of seven cells, Monday first; a cell is a day of that month or null for the
 * blanks before the 1st and after the last. Only as many rows as the month needs (4 to 6).
 */
export function monthGrid(month: Month): (string | null)[][] {
  const lead = weekdayIndex(`${month}-01`);
  const count = daysInMonth(month);
  const cells: (string | null)[] = Array.from({ length: lead }, () => null);
  for (let d = 1; d <= count; d++) cells.push(`${month}-${String(d).padStart(2, '0')}`);
  while (cells.length % 7) cells.push(null);
  const rows: (string | null)[][] = [];
  for (let i = 0; i < cells.length; i += 7) rows.push(cells.slice(i, i + 7));
  return rows;
}

export const WEEKDAYS: [short: string, long: string][] = [
  ['Mo', 'Monday'],
  ['Tu', 'Tuesday'],
  ['We', 'Wednesday'],
  ['Th', 'Thursday'],
  ['Fr', 'Friday'],
  ['Sa', 'Saturday'],
  ['Su', 'Sunday'],
];

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "March 2026". */
export const monthTitle = (month: Month): string => `${MONTH_NAMES[+month.slice(5, 7) - 1]} ${month.slice(0, 4)}`;

/** "Tuesday, 10 March 2026": a day button's accessible name. */
export const dayLabel = (day: string): string => `${WEEKDAYS[weekdayIndex(day)]![1]}, ${+day.slice(8, 10)} ${monthTitle(monthOf(day))}`;

/** The grid keys, as the WAI-ARIA date picker pattern has them. */
export type CalendarKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'PageUp' | 'PageDown' | 'Home' | 'End';

/**
 * The day the focus moves to: a day left or right, a week up or down, a month with PageUp /
 * PageDown (the same date, clamped to the month's last day: 31 March → 28 or 29 February), the
 * week's Monday or Sunday with Home / End. Null for any other key.
 */
export function moveFocus(day: string, key: string): string | null {
  switch (key) {
    case 'ArrowLeft':
      return addDays(day, -1);
    case 'ArrowRight':
      return addDays(day, 1);
    case 'ArrowUp':
      return addDays(day, -7);
    case 'ArrowDown':
      return addDays(day, 7);
    case 'PageUp':
    case 'PageDown': {
      const month = shiftMonth(monthOf(day), key === 'PageUp' ? -1 : 1);
      return `${month}-${String(Math.min(+day.slice(8, 10), daysInMonth(month))).padStart(2, '0')}`;
    }
    case 'Home':
      return addDays(day, -weekdayIndex(day));
    case 'End':
      return addDays(day, 6 - weekdayIndex(day));
    default:
      return null;
  }
}

/** A range being picked: the first click's day, and the second's once it is made. */
export interface Picking {
  start: string | null;
  end: string | null;
}

/**
 * The range after a click (or Enter) on `day`: the first pick starts a range, the second ends
 * it (the two swap when the second is earlier), a third starts over.
 */
export function pickDay(state: Picking, day: string): Picking {
  if (!state.start || state.end) return { start: day, end: null };
  return day < state.start ? { start: day, end: state.start } : { start: state.start, end: day };
}

/** The picked range, or null until both ends are chosen. */
export const pickedDays = (state: Picking): Days | null => (state.start && state.end ? [state.start, state.end] : null);

/** Whether `day` lies inside `[from, to]` (both included). */
export const inRange = (day: string, range: Days | null): boolean => !!range && day >= range[0] && day <= range[1];
