import { describe, expect, it } from 'vitest';
import { comparisonRange, dayRange, timeLabels } from './date-range';

const UTC = 'UTC';
const days = (r: { firstDay: string; lastDay: string }) => [r.firstDay, r.lastDay];

describe('comparison ranges (Plausible semantics)', () => {
  it('compares a current month only up to today', () => {
    // November 1–30 viewed on the 24th: 24 days, right before them
    const month = dayRange('2024-11-01', '2024-11-30', UTC);
    expect(days(comparisonRange(month, { mode: 'previous_period' }, UTC, '2024-11-24'))).toEqual(['2024-10-08', '2024-10-31']);
    // a past range keeps its whole length
    expect(days(comparisonRange(dayRange('2024-10-01', '2024-10-31', UTC), { mode: 'previous_period' }, UTC, '2024-11-24'))).toEqual(['2024-08-31', '2024-09-30']);
  });

  it('goes back 365 days year over year, to today\'s counterpart', () => {
    const week = dayRange('2024-11-17', '2024-11-30', UTC);
    // 2024 has a 29 February inside the year before: 365 days back is one calendar day later
    expect(days(comparisonRange(week, { mode: 'year_over_year' }, UTC, '2024-11-24'))).toEqual(['2023-11-18', '2023-11-25']);
  });

  it('matches the day of week when asked', () => {
    const week = dayRange('2024-11-17', '2024-11-23', UTC); // Sunday to Saturday
    // previous period starts on Sunday 10th already: unchanged
    expect(days(comparisonRange(week, { mode: 'previous_period', matchDayOfWeek: true }, UTC, '2024-11-24'))).toEqual(['2024-11-10', '2024-11-16']);
    // a year back starts on Saturday 2023-11-18: moved forward to Sunday the 19th
    expect(days(comparisonRange(week, { mode: 'year_over_year', matchDayOfWeek: true }, UTC, '2024-11-24'))).toEqual(['2023-11-19', '2023-11-25']);
    expect(days(comparisonRange(week, { mode: 'year_over_year' }, UTC, '2024-11-24'))).toEqual(['2023-11-18', '2023-11-24']);
  });

  it('moves back instead of onto the source\'s own first day', () => {
    // Wed 10th to Fri 12th: the previous period starts Sunday the 7th; the next Wednesday is the
    // 10th itself, so the comparison takes the Wednesday before (the 3rd)
    const r = dayRange('2024-01-10', '2024-01-12', UTC);
    expect(days(comparisonRange(r, { mode: 'previous_period', matchDayOfWeek: true }, UTC, '2024-02-01'))).toEqual(['2024-01-03', '2024-01-05']);
  });

  it('takes custom dates as given', () => {
    const r = dayRange('2024-01-10', '2024-01-12', UTC);
    expect(days(comparisonRange(r, { mode: 'custom', dateRange: ['2023-05-01', '2023-05-31'], matchDayOfWeek: true }, UTC, '2024-02-01'))).toEqual(['2023-05-01', '2023-05-31']);
  });
});

describe('the last date the API accepts', () => {
  it('ends the label loop on 9999-12-31 (the day after it sorts before it as a string)', () => {
    // found by the v1 fuzzer: `period=month&date=9999-12-31` spun forever
    expect(timeLabels(dayRange('9999-12-30', '9999-12-31', UTC), 'time:day', UTC)).toEqual(['9999-12-30', '9999-12-31']);
    expect(timeLabels(dayRange('9999-11-15', '9999-12-31', UTC), 'time:month', UTC)).toEqual(['9999-11-01', '9999-12-01']);
  });
});
