// Span geometry (spans.ts), counted by hand: 2024-03-26 is day 19,808 since 1970-01-01, a
// multiple of 32, so spans of every length start there (and 04-11 = 03-26 + 16 days).
import { describe, expect, it } from 'vitest';
import { coverRange, periodDays, SPAN_DAYS, spanId, spanStart, spansToBuild } from './spans';

const all = (first: string, last: string) => new Set(spansToBuild(first, last, new Set()).map(spanId));

describe('journey spans', () => {
  it('a day lies in one aligned span of each length', () => {
    expect(SPAN_DAYS.map((n) => spanStart('2024-04-13', n))).toEqual(['2024-04-13', '2024-04-11', '2024-04-11', '2024-04-11', '2024-03-26']);
    expect(SPAN_DAYS.map((n) => spanStart('2024-03-26', n))).toEqual(Array(5).fill('2024-03-26'));
    expect(periodDays({ start: '2024-03-30', days: 4 })).toEqual(['2024-03-30', '2024-03-31', '2024-04-01', '2024-04-02']);
  });

  it('lists the whole spans of a range not built yet, shortest first', () => {
    const todo = spansToBuild('2024-03-25', '2024-04-20', new Set(['2024-03-26+2']));
    expect(todo.filter((p) => p.days === 2)).toHaveLength(12); // 03-28 … 04-19, 03-26 built
    expect(todo.filter((p) => p.days === 4).map((p) => p.start)).toEqual(['2024-03-26', '2024-03-30', '2024-04-03', '2024-04-07', '2024-04-11', '2024-04-15']);
    expect(todo.filter((p) => p.days === 8).map((p) => p.start)).toEqual(['2024-03-26', '2024-04-03', '2024-04-11']);
    expect(todo.filter((p) => p.days >= 16).map(spanId)).toEqual(['2024-03-26+16']);
    expect(todo.map((p) => p.days)).toEqual([...todo.map((p) => p.days)].sort((a, b) => a - b));
  });

  it('covers a range with the longest built spans and the days left over', () => {
    expect(coverRange('2024-03-25', '2024-04-20', all('2024-03-25', '2024-04-20')).map(spanId))
      .toEqual(['2024-03-25+1', '2024-03-26+16', '2024-04-11+8', '2024-04-19+2']);
    // without the 16-day span: the 8-day ones
    const no16 = new Set([...all('2024-03-25', '2024-04-20')].filter((id) => !id.endsWith('+16')));
    expect(coverRange('2024-03-25', '2024-04-20', no16).map(spanId))
      .toEqual(['2024-03-25+1', '2024-03-26+8', '2024-04-03+8', '2024-04-11+8', '2024-04-19+2']);
    // nothing built: every day; a span is never used past the range's end
    expect(coverRange('2024-03-26', '2024-03-28', new Set())).toHaveLength(3);
    expect(coverRange('2024-03-26', '2024-03-28', new Set(['2024-03-26+4'])).map(spanId)).toEqual(['2024-03-26+1', '2024-03-27+1', '2024-03-28+1']);
  });

  it('covers every day of any range exactly once', () => {
    const built = all('2024-01-01', '2024-12-31');
    for (const [first, last] of [['2024-02-03', '2024-03-04'], ['2024-01-01', '2024-12-31'], ['2024-06-07', '2024-06-07']]) {
      const days = coverRange(first!, last!, built).flatMap(periodDays);
      expect(days[0]).toBe(first);
      expect(days.at(-1)).toBe(last);
      expect(new Set(days).size).toBe(days.length);
      expect(days).toEqual([...days].sort());
    }
    // a 30-day range is at most two spans of each length and days
    expect(coverRange('2024-02-03', '2024-03-04', built).length).toBeLessThanOrEqual(9);
  });
});
