/**
 * "Details" of a breakdown card: every row of one dimension with search, sortable columns and
 * pages, under the period and filters in force. Rendered on the server from the URL
 * (load-details.ts), so it works as a plain link and without JS.
 */
import { component$ } from '@builder.io/qwik';
import { Link, useLocation } from '@builder.io/qwik-city';
import { formatMetric, METRIC_LABELS } from '../../lib/format';
import { hrefWith, hrefWithFilter, isFilter, readView, viewSearch } from '../../lib/view';
import { labelFor } from '../breakdown/breakdown';
import { filterText, periodText } from '../overview/filter-text';
import type { DetailsData } from './load-details';

export { loadDetails, PAGE_SIZE, type DetailsData } from './load-details';

export const Details = component$<{ data: DetailsData; base: string }>(({ data, base }) => {
  const loc = useLocation();
  const { pages } = data;
  const view = readView(loc.url);
  // A header sorts by its column, descending first; a second click flips the direction.
  const sortHref = (column: string) => hrefWith(loc.url, { sort: column, dir: data.sort === column && data.dir === 'desc' ? 'asc' : 'desc', page: null });
  const ariaSort = (column: string) => (data.sort === column ? (data.dir === 'asc' ? 'ascending' : 'descending') : undefined);
  const arrow = (column: string) => (data.sort === column ? (data.dir === 'asc' ? ' ↑' : ' ↓') : '');
  const back = `${base}/${viewSearch(loc.url)}`;
  // a row filters the overview, like a click on the card's row does
  const overview = new URL(back, loc.url);
  return (
    <section class="card">
      <p>
        <Link prefetch={false} href={back}>← Back to the overview</Link>
      </p>
      <h2>
        {data.tab.column} <span class="muted">({data.total})</span>
      </h2>
      <p class="muted" data-testid="details-scope">
        {periodText(view)}
        {view.filters.map((f) => ` · ${filterText(f)}`).join('')}
      </p>
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
              <th scope="col" aria-sort={ariaSort(data.dimension)}>
                <Link prefetch={false} href={sortHref(data.dimension)} data-sort={data.dimension}>
                  {data.tab.column}
                  {arrow(data.dimension)}
                </Link>
              </th>
              {data.tab.metrics.map((m) => (
                <th key={m} scope="col" class="num" aria-sort={ariaSort(m)}>
                  {m === 'percentage' ? (
                    METRIC_LABELS[m]
                  ) : (
                    <Link prefetch={false} href={sortHref(m)} data-sort={m}>
                      {METRIC_LABELS[m] ?? m}
                      {arrow(m)}
                    </Link>
                  )}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.rows.map((r) => (
              <tr key={r.value} data-value={r.value}>
                <td>
                  <Link prefetch={false} href={hrefWithFilter(overview, isFilter(data.dimension, r.value))}>{labelFor(data.dimension, r.value)}</Link>
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
        {data.page > 1 && <Link prefetch={false} href={hrefWith(loc.url, { page: String(data.page - 1) })}>← Previous</Link>}
        <span class="muted" data-testid="pager">
          Page {data.page} of {pages}
        </span>
        {data.page < pages && <Link prefetch={false} href={hrefWith(loc.url, { page: String(data.page + 1) })}>Next →</Link>}
      </nav>
    </section>
  );
});
