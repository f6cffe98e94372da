/**
 * The server side of "Details": one page of one dimension, searched and sorted as the URL says
 * (`?dim=&tab=&q=&page=&sort=&dir=`). A page past the last one shows the last one, so the pager
 * never reads "page 2 of 1" (a search that shrank the list, an edited URL).
 */
import type { RequestEventLoader } from '@builder.io/qwik-city';
import type { Dimension, Metric, MetricValue, QueryRequest, QueryResponse } from '../../../../contract/api';
import { api, messageOf } from '../../lib/api';
import { cardCsvHref, tabQuery } from '../breakdown/breakdown';
import { CARDS, findTab, type Tab } from '../breakdown/cards';

export const PAGE_SIZE = 50;

export interface DetailsData {
  dimension: string;
  tab: Tab;
  search: string;
  page: number;
  pages: number;
  total: number;
  /** the column sorted on (the dimension or one of the tab's metrics) and its direction */
  sort: string;
  dir: 'asc' | 'desc';
  rows: { value: string; metrics: MetricValue[] }[];
  csv: string;
  error: string | null;
}

/** The sort the URL asks for, if it names a column of this table; else the API's default. */
export function readSort(url: URL, tab: Tab, dimension: string): { sort: string; dir: 'asc' | 'desc' } {
  const sort = url.searchParams.get('sort') ?? '';
  const dir = url.searchParams.get('dir') === 'asc' ? 'asc' : 'desc';
  // `percentage` is derived from visitors, and the API cannot order by it
  const columns = [dimension, ...tab.metrics.filter((m) => m !== 'percentage')];
  return columns.includes(sort) ? { sort, dir } : { sort: tab.metrics[0]!, dir: 'desc' };
}

export async function loadDetails(ev: RequestEventLoader, share: string | null): Promise<DetailsData> {
  const site = ev.params.site!;
  const dimension = ev.url.searchParams.get('dim') ?? 'visit:source';
  const byId = CARDS.flatMap((c) => c.tabs).find((t) => t.id === ev.url.searchParams.get('tab'));
  const tab = findTab(dimension) ?? (dimension.startsWith('event:props:') && byId ? byId : CARDS[0]!.tabs[0]!);
  const search = (ev.url.searchParams.get('q') ?? '').trim().slice(0, 200);
  const asked = Math.max(1, Math.min(1000, Math.floor(Number(ev.url.searchParams.get('page'))) || 1));
  const { sort, dir } = readSort(ev.url, tab, dimension);
  const query = tabQuery(site, ev.url, tab, dimension as Dimension);
  if (search) query.filters = [...(query.filters ?? []), ['contains', dimension as Dimension, [search]]];
  query.order_by = [[sort as Metric | Dimension, dir]];
  const fetchPage = (page: number) => api<QueryResponse>(ev, '/api/v2/query', { body: { ...query, pagination: { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE } } satisfies QueryRequest, share });
  const base = { dimension, tab, search, sort, dir, csv: cardCsvHref(site, ev.url, tab, dimension, search) };
  try {
    let page = asked;
    let res = await fetchPage(page);
    const total = res.meta.total_rows ?? res.results.length;
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    if (page > pages) res = await fetchPage((page = pages));
    const rows = res.results.map((r) => ({ value: String(r.dimensions[0] ?? ''), metrics: r.metrics }));
    return { ...base, page, pages, total, rows, error: null };
  } catch (e) {
    return { ...base, page: 1, pages: 1, total: 0, rows: [], error: messageOf(e) };
  }
}
