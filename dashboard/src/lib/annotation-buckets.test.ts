import { describe, expect, it } from 'vitest';
import { bucketOf } from './annotation-buckets';

describe('bucketOf', () => {
  const days = ['2026-03-01', '2026-03-02', '2026-03-03'];
  it('draws a day at its own bucket and nothing outside the chart', () => {
    expect(bucketOf('2026-03-02', days)).toBe('2026-03-02');
    expect(bucketOf('2026-02-28', days)).toBeNull();
    expect(bucketOf('2026-03-04', days)).toBeNull();
  });
  it('draws a day at the week or month that holds it, and at 00:00 of an hourly chart', () => {
    expect(bucketOf('2026-03-10', ['2026-03-02', '2026-03-09', '2026-03-16'])).toBe('2026-03-09');
    expect(bucketOf('2026-02-14', ['2026-01-01', '2026-02-01', '2026-03-01'])).toBe('2026-02-01');
    expect(bucketOf('2026-04-14', ['2026-01-01', '2026-02-01', '2026-03-01'])).toBeNull();
    expect(bucketOf('2026-03-02', ['2026-03-01 23:00:00', '2026-03-02 00:00:00', '2026-03-02 01:00:00'])).toBe('2026-03-02 00:00:00');
  });
});
