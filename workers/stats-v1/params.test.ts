/** The v1 periods and filter expressions, worked out by hand from Plausible's legacy query builder and filter parser. */
import { describe, expect, it } from 'vitest';
import { parseV1Filters, wildcardPattern } from './filters';
import { parseV1Interval, resolveV1Period } from './params';

const range = (q: string, today = '2024-03-15') => resolveV1Period(new URLSearchParams(q), today).dates;

describe('v1 periods', () => {
  it('end on `date` (default today) as Plausible legacy periods do', () => {
    expect(range('period=day')).toEqual(['2024-03-15', '2024-03-15']);
    expect(range('period=day&date=2021-01-01')).toEqual(['2021-01-01', '2021-01-01']);
    expect(range('period=7d&date=2021-01-07')).toEqual(['2021-01-01', '2021-01-07']);
    // 30d: the date and the 30 days before it (Date.shift(day: -30))
    expect(range('period=30d&date=2021-01-31')).toEqual(['2021-01-01', '2021-01-31']);
    expect(range('')).toEqual(['2024-02-14', '2024-03-15']);
    expect(range('period=month&date=2024-02-10')).toEqual(['2024-02-01', '2024-02-29']);
    // 6mo: five whole months before the date's month, and that month
    expect(range('period=6mo&date=2024-03-15')).toEqual(['2023-10-01', '2024-03-31']);
    expect(range('period=12mo&date=2024-01-31')).toEqual(['2023-02-01', '2024-01-31']);
    expect(range('period=custom&date=2021-01-01,%202021-01-05')).toEqual(['2021-01-01', '2021-01-05']);
  });

  it('refuse impossible dates with the format or the date named', () => {
    expect(() => range('period=day&date=2021-02-30')).toThrow('Error parsing `date` parameter: invalid_date.');
    expect(() => range('period=day&date=20210101')).toThrow('Error parsing `date` parameter: invalid_format.');
  });

  it('pick Plausible default intervals', () => {
    const r = (q: string) => resolveV1Period(new URLSearchParams(q), '2024-03-15');
    expect(parseV1Interval(null, r('period=day'))).toBe('time:hour');
    expect(parseV1Interval(null, r('period=30d'))).toBe('time:day');
    expect(parseV1Interval(null, r('period=12mo'))).toBe('time:month');
    expect(parseV1Interval(null, r('period=custom&date=2023-01-01,2024-01-01'))).toBe('time:day');
    expect(parseV1Interval('date', r('period=12mo'))).toBe('time:day');
  });
});

describe('v1 filter expressions', () => {
  it('become v2 filters', () => {
    expect(parseV1Filters('event:goal==Signup;visit:country==DE')).toEqual([['is', 'event:goal', ['Signup']], ['is', 'visit:country', ['DE']]]);
    expect(parseV1Filters('visit:browser!=Chrome|Firefox')).toEqual([['is_not', 'visit:browser', ['Chrome', 'Firefox']]]);
    expect(parseV1Filters('event:page == /a\\|b ')).toEqual([['is', 'event:page', ['/a|b']]]);
    expect(parseV1Filters('event:page~blog;event:page!~draft')).toEqual([['contains', 'event:page', ['blog']], ['contains_not', 'event:page', ['draft']]]);
    expect(parseV1Filters('event:props:author==John Doe')).toEqual([['is', 'event:props:author', ['John Doe']]]);
    expect(parseV1Filters('event:page==/blog/**|/docs/*')).toEqual([['matches', 'event:page', ['^/blog/.*$', '^/docs/[^/]*$']]]);
    expect(parseV1Filters('event:page!=/blog/*')).toEqual([['matches_not', 'event:page', ['^/blog/[^/]*$']]]);
    // a goal name is a name: its `*` is not a wildcard
    expect(parseV1Filters('event:goal==Visit /blog*')).toEqual([['is', 'event:goal', ['Visit /blog*']]]);
    expect(parseV1Filters('')).toEqual([]);
  });

  it('escape what RE2 would read as syntax', () => {
    expect(wildcardPattern('/a.b(c)*')).toBe('^/a\\.b\\(c\\)[^/]*$');
  });

  it('refuse conditions Plausible would silently drop', () => {
    expect(() => parseV1Filters('visit:country=DE')).toThrow('Invalid filter expression `visit:country=DE`');
    expect(() => parseV1Filters('visit:country==DEU')).toThrow("Invalid filter value 'DEU' for visit:country");
    expect(() => parseV1Filters('visit:colour==red')).toThrow("Invalid filter property 'visit:colour'");
  });
});
