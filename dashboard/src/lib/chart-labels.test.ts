import { describe, expect, it } from 'vitest';
import { axisLabel, isFuture, siteNow, tickAmount } from './chart-labels';
import { plotted, plottedValue } from './chart-series';

describe('chart axis labels', () => {
  it('names a month by month and year, a day by month and day, an hour by its time', () => {
    expect(axisLabel('2026-01-01', 'month')).toBe('Jan 2026');
    expect(axisLabel('2026-11-24', 'day')).toBe('Nov 24');
    expect(axisLabel('2026-11-23', 'week')).toBe('Nov 23');
    expect(axisLabel('2026-11-24 13:00:00', 'hour')).toBe('13:00');
    expect(axisLabel('2026-11-24 00:00:00', 'hour')).toBe('Nov 24'); // midnight says which day
    expect(axisLabel('2026-12-02T04:51:00.000Z', 'minute')).toBe('04:51');
    expect(axisLabel('(none)', 'day')).toBe('(none)');
  });

  it('asks for no more labels than fit at 64 px each, and at least two', () => {
    expect(tickAmount(30, 350)).toBe(5); // floor(350 / 64)
    expect(tickAmount(7, 1100)).toBe(7); // never more than there are points
    expect(tickAmount(30, 60)).toBe(2);
  });
});

describe('future buckets', () => {
  const now = Date.UTC(2026, 11, 2, 4, 50, 7); // 2026-12-02 04:50:07 UTC

  it("reads the site's clock from the offset of the echoed range", () => {
    expect(siteNow('2026-12-01T00:00:00+01:00', now)).toBe('2026-12-02 05:50:07');
    expect(siteNow('2026-12-01T00:00:00-05:30', now)).toBe('2026-12-01 23:20:07');
    expect(siteNow(undefined, now)).toBe('2026-12-02 04:50:07');
  });

  it('counts the current bucket as drawn and the next one as future', () => {
    const n = '2026-12-02 04:50:07';
    expect(isFuture('2026-12-02', n)).toBe(false);
    expect(isFuture('2026-12-03', n)).toBe(true);
    expect(isFuture('2026-12-02 04:00:00', n)).toBe(false);
    expect(isFuture('2026-12-02 05:00:00', n)).toBe(true);
    expect(isFuture('2026-12-01', n)).toBe(false); // this month's bucket
  });

  it('draws past buckets without rows as 0 and future ones as gaps', () => {
    const res = {
      results: [{ dimensions: ['2026-12-01'], metrics: [4] }],
      meta: { time_labels: ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03'] },
      query: { date_range: ['2026-11-30T00:00:00+00:00', '2026-12-03T23:59:59+00:00'] },
    };
    expect(plotted('visitors', res as never, now).current).toEqual([0, 4, 0, null]);
  });
});

describe('views per visit per bucket', () => {
  it('is pageviews / visits rounded to 2 decimals, 0 without visits', () => {
    expect(plottedValue('views_per_visit', [3, 7])).toBe(2.33); // 7 / 3 = 2.333…
    expect(plottedValue('views_per_visit', [0, 0])).toBe(0);
    expect(plottedValue('views_per_visit', undefined)).toBe(0);
    expect(plottedValue('visitors', [5])).toBe(5);
  });
});
