/**
 * A breakdown card: tabs over dimensions, the top 9 rows from `/api/v2/query`, each row a link that
 * adds a filter to the URL (so every card refetches and the view stays shareable), plus "Details"
 * (full list with search and pages) and a CSV export of the same query.
 */
import { $, component$, Resource, useComputed$, useResource$, useSignal } from '@builder.io/qwik';
import { Link, useLocation } from '@builder.io/qwik-city';
import type { QueryRequest } from '../../../../contract/api';
import { countryName, formatMetric, METRIC_LABELS, metricNumber } from '../../lib/format';
import { queryStats } from '../../lib/stats';
import { apiFilters, dateRange, hrefWithFilter, isFilter, readView, viewSearch } from '../../lib/view';
import { DEFAULT_PROP_KEYS, findTab, type CardDef, type Tab } from './cards';
import { PropKeyPicker } from './prop-key-picker';
import { WorldMap } from '../world-map/world-map';

export interface ScopeProps {
  site: string;
  /** share-link token of the public view, or null for a signed-in user */
  share: string | null;
  /** `/sites/<site>` or `/share/<site>`: where this site's pages live */
  base: string;
}

export const TOP_ROWS = 9;
/** the map shades every country: ISO 3166-1 has 249 */
const MAP_ROWS = 300;
const REVENUE = new Set<string>(['total_revenue', 'average_revenue']);

/** The query a tab sends; shared with the details page and the CSV link. */
export function tabQuery(site: string, url: URL, tab: Tab, dimension = tab.dimension): QueryRequest {
  const view = readView(url);
  const filters = [...apiFilters(view.filters), ...((tab.only ?? []) as QueryRequest['filters'] & [])];
  return { site_id: site, metrics: tab.metrics, date_range: dateRange(view), dimensions: [dimension], filters, include: { total_rows: true } };
}

/** The CSV of one tab under the current view, named and built by the dashboard (card-export.ts). */
export function cardCsvHref(site: string, url: URL, tab: Tab, dimension: string, search = ''): string {
  const p = new URLSearchParams(viewSearch(url));
  if (tab.id === 'props') p.set('dim', dimension);
  if (search) p.set('q', search);
  return `${exportBase(site)}/${tab.id}.csv?${p}`;
}

/** Every card of the current view as CSV files in one zip. */
export const everythingHref = (site: string, url: URL) => `${exportBase(site)}/all.zip${viewSearch(url)}`;

const exportBase = (site: string) => `/export/${encodeURIComponent(site)}`;

export const labelFor = (dimension: string, value: string) =>
  dimension === 'visit:country' ? countryName(value) : value === '' ? '(none)' : value;

export const Breakdown = component$<ScopeProps & { card: CardDef }>(({ site, share, base, card }) => {
  const loc = useLocation();
  const tabId = useSignal(card.tabs[0]!.id);
  const propKey = useSignal(DEFAULT_PROP_KEYS[0]!);
  // kept here, not in the picker: switching tabs unmounts the picker but keeps the user's key
  const propKeyPicked = useSignal(false);
  const tab = useComputed$(() => card.tabs.find((t) => t.id === tabId.value) ?? card.tabs[0]!);
  const dimension = useComputed$(() => (tab.value.id === 'props' ? (`event:props:${propKey.value}` as const) : tab.value.dimension));

  const rows = useResource$(async ({ track }) => {
    const url = track(() => loc.url);
    const t = track(() => tab.value);
    const dim = track(() => dimension.value);
    const query = { ...tabQuery(site, url, t, dim), pagination: { limit: t.map ? MAP_ROWS : TOP_ROWS } };
    const res = await queryStats(query, share);
    return { ...res, query, tab: t, dim };
  });

  const onKey = $((e: KeyboardEvent) => {
    // Arrow keys move between tabs, as the WAI-ARIA tabs pattern expects.
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const i = card.tabs.findIndex((t) => t.id === tabId.value);
    const next = card.tabs[(i + (e.key === 'ArrowRight' ? 1 : card.tabs.length - 1)) % card.tabs.length]!;
    tabId.value = next.id;
    (document.getElementById(`tab-${card.id}-${next.id}`) as HTMLElement | null)?.focus();
  });

  return (
    <section class="card breakdown" data-card={card.id} aria-labelledby={`title-${card.id}`}>
      <header>
        <h2 id={`title-${card.id}`}>{card.title}</h2>
        <div class="tab-list" role="tablist" aria-label={`${card.title} by`} onKeyDown$={onKey}>
          {card.tabs.map((t) => (
            <button
              key={t.id}
              id={`tab-${card.id}-${t.id}`}
              role="tab"
              type="button"
              aria-selected={t.id === tabId.value}
              tabIndex={t.id === tabId.value ? 0 : -1}
              data-tab={t.id}
              onClick$={() => (tabId.value = t.id)}
            >
              {t.label}
            </button>
          ))}
        </div>
      </header>
      {tab.value.id === 'props' && <PropKeyPicker site={site} share={share} propKey={propKey} picked={propKeyPicked} />}
      <div role="tabpanel" aria-labelledby={`tab-${card.id}-${tabId.value}`}>
        <Resource
          value={rows}
          onPending={() => <Skeleton />}
          onRejected={(e) => <p class="error" role="alert">{String(e.message ?? e)}</p>}
          onResolved={(r) => {
            if (!r.ok) return <p class="error" role="alert">Could not load {r.tab.label.toLowerCase()}: {r.error}</p>;
            // A property breakdown lists every event; the ones without the property are noise here.
            const results = r.tab.id === 'props' ? r.data.results.filter((x) => x.dimensions[0] !== '(none)') : r.data.results;
            const max = Math.max(1, ...results.map((x) => metricNumber(x.metrics[0]) ?? 0));
            // after the main number, the tab's other metrics (percentage, or pageviews, time on page
            // and scroll depth on the pages tab) in small type; revenue only where a row has some
            const extra = r.tab.metrics.slice(1).filter((m) => !REVENUE.has(m) || results.some((x) => x.metrics[r.tab.metrics.indexOf(m)] != null));
            if (r.tab.map) {
              const countries = findTab('visit:country')!;
              return (
                <>
                  <WorldMap rows={results.map((x) => ({ code: String(x.dimensions[0] ?? ''), visitors: metricNumber(x.metrics[0]) ?? 0 }))} />
                  <div class="card-foot">
                    <a href={cardCsvHref(site, loc.url, countries, r.dim)} download data-csv>
                      Export CSV
                    </a>
                  </div>
                </>
              );
            }
            return (
              <>
                <div class="cols" aria-hidden="true">
                  <span>{r.tab.column}</span>
                  <span>
                    {[r.tab.metrics[0]!, ...extra.filter((m) => m !== 'percentage')].map((m) => METRIC_LABELS[m] ?? m).join(' / ')}
                  </span>
                </div>
                {results.length === 0 ? (
                  <p class="empty" data-empty>
                    No data for this period
                    {r.tab.id === 'goal' && !share && (
                      <>
                        {' '}
                        · <Link prefetch={false} href={`${base}/settings/goals/`}>set up goals</Link>
                      </>
                    )}
                  </p>
                ) : (
                  <ol class="rows" data-rows={r.dim}>
                    {results.map((row) => {
                      const value = String(row.dimensions[0] ?? '');
                      return (
                        <li class="row" key={value} data-value={value} data-visitors={row.metrics[0]}>
                          <span class="bar" style={{ width: `${((metricNumber(row.metrics[0]) ?? 0) / max) * 100}%` }} />
                          <Link prefetch={false} href={hrefWithFilter(loc.url, isFilter(r.dim, value))} title={`Filter by ${labelFor(r.dim, value)}`}>
                            {labelFor(r.dim, value)}
                          </Link>
                          <span class="num">
                            {formatMetric(r.tab.metrics[0]!, row.metrics[0])}
                            {extra.map((m) => (
                              <small key={m} data-metric={m} title={METRIC_LABELS[m]}>
                                {formatMetric(m, row.metrics[r.tab.metrics.indexOf(m)])}
                              </small>
                            ))}
                          </span>
                        </li>
                      );
                    })}
                  </ol>
                )}
                <div class="card-foot">
                  <a href={cardCsvHref(site, loc.url, r.tab, r.dim)} download data-csv>
                    Export CSV
                  </a>
                  {(r.data.meta.total_rows ?? 0) > 0 && (
                    <Link prefetch={false} href={`${base}/details/${viewSearch(loc.url)}${viewSearch(loc.url) ? '&' : '?'}dim=${encodeURIComponent(r.dim)}&tab=${r.tab.id}`} data-details>
                      Details{(r.data.meta.total_rows ?? 0) > TOP_ROWS ? ` (${r.data.meta.total_rows})` : ''} →
                    </Link>
                  )}
                </div>
              </>
            );
          }}
        />
      </div>
    </section>
  );
});

export const Skeleton = component$<{ rows?: number }>(({ rows = 5 }) => (
  <div aria-busy="true" aria-label="Loading">
    {Array.from({ length: rows }, (_, i) => (
      <div key={i} class="skeleton" style={{ width: `${95 - i * 12}%` }} />
    ))}
  </div>
));
