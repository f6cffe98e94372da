import { describe, expect, it } from 'vitest';
import { dayLabel, daysInMonth, inRange, monthGrid, monthTitle, moveFocus, pickDay, pickedDays, shiftMonth, weekdayIndex } from './calendar';

describe('monthGrid', () => {
  it('starts weeks on Monday: March 2026 begins on a Sunday, so six blanks lead', () => {
    const grid = monthGrid('2026-03');
    expect(grid[0]).toEqual([null, null, null, null, null, null, '2026-03-01']);
    expect(grid[1]![0]).toBe('2026-03-02'); // a Monday
    // 6 blanks + 31 days = 37 cells: six rows, five trailing blanks
    expect(grid).toHaveLength(6);
    expect(grid[5]).toEqual(['2026-03-30', '2026-03-31', null, null, null, null, null]);
  });

  it('needs only four rows for a February that starts on Monday and is not leap (Feb 2027)', () => {
    const grid = monthGrid('2027-02');
    expect(grid).toHaveLength(4);
    expect(grid[0]![0]).toBe('2027-02-01');
    expect(grid[3]![6]).toBe('2027-02-28');
  });

  it('puts a leap February 29th where it belongs (2028-02-29 is a Tuesday)', () => {
    const grid = monthGrid('2028-02');
    // 1 Feb 2028 is a Tuesday: one blank, then 29 days = 30 cells, five rows
    expect(grid[0]![0]).toBeNull();
    expect(grid[0]![1]).toBe('2028-02-01');
    expect(grid.flat().filter(Boolean)).toHaveLength(29);
    expect(grid[4]![1]).toBe('2028-02-29');
  });
});

describe('daysInMonth and weekdays', () => {
  it('counts leap years by the Gregorian rule (2000 and 2024 are, 1900 and 2100 are not)', () => {
    expect([daysInMonth('2024-02'), daysInMonth('2000-02'), daysInMonth('1900-02'), daysInMonth('2100-02'), daysInMonth('2026-02')]).toEqual([29, 29, 28, 28, 28]);
    expect([daysInMonth('2026-04'), daysInMonth('2026-12')]).toEqual([30, 31]);
  });

  it('numbers Monday 0 … Sunday 6', () => {
    expect(weekdayIndex('2026-03-02')).toBe(0);
    expect(weekdayIndex('2026-03-01')).toBe(6);
  });

  it('names months and days in words', () => {
    expect(monthTitle('2026-03')).toBe('March 2026');
    expect(dayLabel('2026-03-10')).toBe('Tuesday, 10 March 2026');
    expect([shiftMonth('2026-01', -1), shiftMonth('2026-12', 1), shiftMonth('2026-03', 0)]).toEqual(['2025-12', '2027-01', '2026-03']);
  });
});

describe('moveFocus', () => {
  it('moves a day with ← →, a week with ↑ ↓, across month and year ends', () => {
    expect(moveFocus('2026-03-01', 'ArrowLeft')).toBe('2026-02-28');
    expect(moveFocus('2025-12-31', 'ArrowRight')).toBe('2026-01-01');
    expect(moveFocus('2026-03-03', 'ArrowUp')).toBe('2026-02-24');
    expect(moveFocus('2028-02-26', 'ArrowDown')).toBe('2028-03-04'); // through the 29th
  });

  it('moves a month with PageUp / PageDown, clamped to the shorter month', () => {
    expect(moveFocus('2026-03-31', 'PageUp')).toBe('2026-02-28');
    expect(moveFocus('2028-03-31', 'PageUp')).toBe('2028-02-29');
    expect(moveFocus('2026-01-15', 'PageUp')).toBe('2025-12-15');
    expect(moveFocus('2026-01-31', 'PageDown')).toBe('2026-02-28');
  });

  it('goes to the week’s Monday with Home and Sunday with End; other keys do nothing', () => {
    expect(moveFocus('2026-03-05', 'Home')).toBe('2026-03-02');
    expect(moveFocus('2026-03-05', 'End')).toBe('2026-03-08');
    expect(moveFocus('2026-03-05', 'Enter')).toBeNull();
  });
});

describe('pickDay', () => {
  it('starts with the first pick, ends with the second, and swaps an earlier second pick', () => {
    const first = pickDay({ start: null, end: null }, '2026-03-10');
    expect(first).toEqual({ start: '2026-03-10', end: null });
    expect(pickedDays(first)).toBeNull();
    expect(pickDay(first, '2026-03-14')).toEqual({ start: '2026-03-10', end: '2026-03-14' });
    expect(pickDay(first, '2026-03-02')).toEqual({ start: '2026-03-02', end: '2026-03-10' });
    expect(pickedDays(pickDay(first, '2026-03-10'))).toEqual(['2026-03-10', '2026-03-10']); // one day
  });

  it('starts over on a third pick (a prefilled range counts as two)', () => {
    expect(pickDay({ start: '2026-03-02', end: '2026-03-08' }, '2026-03-20')).toEqual({ start: '2026-03-20', end: null });
  });

  it('tells the days inside a range, both ends included', () => {
    expect([inRange('2026-03-02', ['2026-03-02', '2026-03-08']), inRange('2026-03-08', ['2026-03-02', '2026-03-08']), inRange('2026-03-09', ['2026-03-02', '2026-03-08']), inRange('2026-03-05', null)]).toEqual([true, true, false, false]);
  });
});
