/** The URL is the dashboard's state: parsing and link building must round-trip exactly. */
import { describe, expect, it } from 'vitest';
import { apiFilters, dateRange, hrefWithFilter, hrefWithoutFilter, parseFilter, readView, viewSearch } from '../src/lib/view';

const url = (search: string) => new URL(`http://dash.test/sites/a.com/${search}`);

describe('view state in the URL', () => {
  it('reads a filter whose value contains commas', () => {
    expect(parseFilter('event:page,is,/a,b')).toEqual({ dimension: 'event:page', op: 'is', values: ['/a,b'] });
    expect(parseFilter('visit:source,drop_table,x')).toBeNull();
    expect(parseFilter('nonsense')).toBeNull();
  });

  it('reads a saved segment as f=segment,is,<id> and sends it as Plausible does', () => {
    expect(parseFilter('segment,is,42')).toEqual({ dimension: 'segment', op: 'is', values: ['42'] });
    expect(parseFilter('segment,is,abc')).toBeNull();
    expect(parseFilter('segment,contains,4')).toBeNull();
    const view = readView(url('?f=segment,is,42&f=visit:source,is,Google'));
    expect(apiFilters(view.filters)).toEqual([['is', 'segment', [42]], ['is', 'visit:source', ['Google']]]);
  });

  it('falls back to 30 days for an unknown or half-given custom period', () => {
    expect(readView(url('?period=forever')).period).toBe('30d');
    expect(readView(url('?period=custom&from=2026-01-01')).period).toBe('30d');
    const custom = readView(url('?period=custom&from=2026-02-10&to=2026-02-01'));
    expect(dateRange(custom)).toEqual(['2026-02-01', '2026-02-10']); // swapped into order
  });

  it('keeps the interval within what the period allows', () => {
    expect(readView(url('?period=day&interval=month')).interval).toBe('hour');
    expect(readView(url('?period=12mo&interval=week')).interval).toBe('week');
  });

  it('replaces a filter on the same dimension and keeps the others', () => {
    const u = url('?period=7d&f=visit:source,is,Google&f=event:page,is,/');
    const next = new URL(hrefWithFilter(u, { dimension: 'visit:source', op: 'is', values: ['Bing'] }), u);
    expect(next.searchParams.getAll('f')).toEqual(['event:page,is,/', 'visit:source,is,Bing']);
    expect(next.searchParams.get('period')).toBe('7d');
    expect(apiFilters(readView(next).filters)).toEqual([['is', 'event:page', ['/']], ['is', 'visit:source', ['Bing']]]);
    expect(new URL(hrefWithoutFilter(next, 'event:page'), u).searchParams.getAll('f')).toEqual(['visit:source,is,Bing']);
    expect(hrefWithoutFilter(next, null)).toBe('/sites/a.com/?period=7d');
  });

  it('carries only view parameters (and a share token) across pages', () => {
    expect(viewSearch(url('?period=7d&metric=bounce_rate&auth=t&dim=x'))).toBe('?period=7d&auth=t');
  });

  it('reads several |-separated values of one filter, with \\ escaping a literal | or \\', () => {
    const u = url('?f=' + encodeURIComponent('visit:source,is,Google|Bing') + '&f=' + encodeURIComponent('event:page,contains_not,a\\|b|c\\\\,d'));
    const view = readView(u);
    expect(view.filters).toEqual([
      { dimension: 'visit:source', op: 'is', values: ['Google', 'Bing'] },
      { dimension: 'event:page', op: 'contains_not', values: ['a|b', 'c\\,d'] },
    ]);
    expect(apiFilters(view.filters)).toEqual([['is', 'visit:source', ['Google', 'Bing']], ['contains_not', 'event:page', ['a|b', 'c\\,d']]]);
    // written back, the same text: a value round-trips whatever it holds
    const next = new URL(hrefWithFilter(url('?period=7d'), view.filters), u);
    expect(next.searchParams.getAll('f')).toEqual(['visit:source,is,Google|Bing', 'event:page,contains_not,a\\|b|c\\\\,d']);
    expect(readView(url('?f=visit:source,matches,x')).filters).toEqual([]);
  });
});
