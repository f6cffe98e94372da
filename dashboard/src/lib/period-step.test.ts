import { describe, expect, it } from 'vitest';
import { localToday, stepDays, stepParams, viewDays } from './period-step';

const TODAY = '2026-03-10';

describe('viewDays', () => {
  it('resolves presets as the API does: Nd ends yesterday, months are whole', () => {
    expect(viewDays({ period: '7d', from: null, to: null }, TODAY)).toEqual(['2026-03-03', '2026-03-09']);
    expect(viewDays({ period: 'month', from: null, to: null }, TODAY)).toEqual(['2026-03-01', '2026-03-31']);
    expect(viewDays({ period: '6mo', from: null, to: null }, TODAY)).toEqual(['2025-10-01', '2026-03-31']);
    expect(viewDays({ period: 'year', from: null, to: null }, TODAY)).toEqual(['2026-01-01', '2026-12-31']);
    expect(viewDays({ period: 'all', from: null, to: null }, TODAY)).toBeNull();
  });
});

describe('stepDays', () => {
  it('steps a range of days by its length, never forward past today', () => {
    expect(stepDays(['2026-03-03', '2026-03-09'], -1, TODAY)).toEqual(['2026-02-24', '2026-03-02']);
    expect(stepDays(['2026-03-03', '2026-03-09'], 1, TODAY)).toBeNull();
    expect(stepDays(['2026-02-24', '2026-03-02'], 1, TODAY)).toEqual(['2026-03-03', '2026-03-09']);
    expect(stepDays([TODAY, TODAY], 1, TODAY)).toBeNull();
    expect(stepDays(['2026-03-09', '2026-03-09'], 1, TODAY)).toEqual([TODAY, TODAY]);
  });
  it('steps whole months by months, whatever their lengths', () => {
    expect(stepDays(['2026-03-01', '2026-03-31'], -1, TODAY)).toEqual(['2026-02-01', '2026-02-28']);
    expect(stepDays(['2026-02-01', '2026-02-28'], 1, TODAY)).toEqual(['2026-03-01', '2026-03-31']);
    expect(stepDays(['2026-03-01', '2026-03-31'], 1, TODAY)).toBeNull();
    expect(stepDays(['2026-01-01', '2026-12-31'], -1, TODAY)).toEqual(['2025-01-01', '2025-12-31']);
    expect(stepDays(['2025-10-01', '2026-03-31'], -1, TODAY)).toEqual(['2025-04-01', '2025-09-30']);
  });
});

describe('stepParams', () => {
  it('lands on a preset again when the range is today, this month or this year', () => {
    expect(stepParams(['2026-03-01', '2026-03-31'], TODAY)).toEqual({ period: 'month', from: null, to: null, interval: null });
    expect(stepParams([TODAY, TODAY], TODAY).period).toBe('day');
    expect(stepParams(['2026-02-01', '2026-02-28'], TODAY)).toEqual({ period: 'custom', from: '2026-02-01', to: '2026-02-28', interval: null });
  });
  it('reads today in the site zone', () => {
    // 2026-03-10 02:00 UTC is still March 9 in New York
    expect(localToday('America/New_York', Date.UTC(2026, 2, 10, 2))).toBe('2026-03-09');
    expect(localToday('UTC', Date.UTC(2026, 2, 10, 2))).toBe('2026-03-10');
  });
});
