/**
 * "Details" of a breakdown card: every row of one dimension with search and pagination. Rendered
 * on the server from the URL (`?dim=&q=&page=`), so it works as a plain link and without JS.
 */
import { component$ } from '@builder.io/qwik';
import { Link, useLocation, type RequestEventLoader } from '@builder.io/qwik-city';
import type { Dimension, QueryResponse } from '../../../../contract/api';
import { api, messageOf } from '../../lib/api';
import { formatMetric, METRIC_LABELS } from '../../lib/format';
import { hrefWith, hrefWithFilter, viewSearch } from '../../lib/view';
import { csvHref, labelFor, tabQuery } from '../breakdown/breakdown';
import { CARDS, findTab, type Tab } from '../breakdown/cards';

export const PAGE_SIZE = 50;

export interface DetailsData {
  dimension: string;
  tab: Tab;
  search: string;
  page: number;
  total: number;
  rows: { value: string; metrics: (number | null)[] }[];
  csv: string;
  error: string | null;
}

export async function loadDetails(ev: RequestEventLoader, share: string | null): Promise<DetailsData> {
  const site = ev.params.site!;
  const dimension = ev.url.searchParams.get('dim') ?? 'visit:source';
  const byId = CARDS.flatMap((c) => c.tabs).find((t) => t.id === ev.url.searchParams.get('tab'));
  const tab = findTab(dimension) ?? (dimension.startsWith('event:props:') && byId ? byId : CARDS[0]!.tabs[0]!);
  const search = (ev.url.searchParams.get('q') ?? '').trim().slice(0, 200);
  const page = Math.max(1, Math.min(1000, Number(ev.url.searchParams.get('page')) || 1));
  const query = tabQuery(site, ev.url, tab, dimension as Dimension);
  if (search) query.filters = [...(query.filters ?? []), ['contains', dimension as Dimension, [search]]];
  query.pagination = { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE };
  const base = { dimension, tab, search, page, csv: csvHref(query, share) };
  try {
    const res = await api<QueryResponse>(ev, '/api/v2/query', { body: query, share });
    return { ...base, total: res.meta.total_rows ?? res.results.length, rows: res.results.map((r) => ({ value: String(r.dimensions[0] ?? ''), metrics: r.metrics })), error: null };
  } catch (e) {
    return { ...base, total: 0, rows: [], error: messageOf(e) };
  }
}

export const Details = component$<{ data: DetailsData; base: string }>(({ data, base }) => {
  const loc = useLocation();
  const pages = Math.max(1, Math.ceil(data.total / PAGE_SIZE));
  const back = `${base}/${viewSearch(loc.url)}`;
  // a row filters the overview, like a click on the card's row does
  const overview = new URL(back, loc.url);
  return (
    <section class="card">
      <p>
        <Link href={back}>← Back to the overview</Link>
      </p>
      <h2>
        {data.tab.column} <span class="muted">({data.total})</span>
      </h2>
      <form class="inline-form" method="get" role="search">
        {[...loc.url.searchParams.entries()]
          .filter(([k]) => k !== 'q' && k !== 'page')
          .map(([k, v], i) => (
            <input key={i} type="hidden" name={k} value={v} />
          ))}
        <label>
          Search
          <input type="search" name="q" value={data.search} placeholder={`Filter ${data.tab.column.toLowerCase()}`} />
        </label>
        <button type="submit">Search</button>
        <a href={data.csv} download>
          Export CSV
        </a>
      </form>
      {data.error && <p class="error" role="alert">{data.error}</p>}
      {!data.error && data.rows.length === 0 && <p class="empty">Nothing matches.</p>}
      {data.rows.length > 0 && (
        <table data-testid="details">
          <thead>
            <tr>
              <th scope="col">{data.tab.column}</th>
              {data.tab.metrics.map((m) => (
                <th key={m} scope="col" class="num">
                  {METRIC_LABELS[m] ?? m}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.rows.map((r) => (
              <tr key={r.value} data-value={r.value}>
                <td>
                  <Link href={hrefWithFilter(overview, { dimension: data.dimension, op: 'is', value: r.value })}>{labelFor(data.dimension, r.value)}</Link>
                </td>
                {r.metrics.map((v, i) => (
                  <td key={i} class="num">
                    {formatMetric(data.tab.metrics[i]!, v)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav class="pager" aria-label="Pages">
        {data.page > 1 && <Link href={hrefWith(loc.url, { page: String(data.page - 1) })}>← Previous</Link>}
        <span class="muted">
          Page {data.page} of {pages}
        </span>
        {data.page < pages && <Link href={hrefWith(loc.url, { page: String(data.page + 1) })}>Next →</Link>}
      </nav>
    </section>
  );
});
