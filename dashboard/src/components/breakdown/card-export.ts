/**
 * Exports of the overview, built on the dashboard's server from `POST /api/v2/query` (the cards'
 * own queries, every row up to the API's page limit): one CSV per card tab, or all of them and
 * the visitors timeseries zipped, like Plausible's "export everything".
 */
import type { RequestEventBase } from '@builder.io/qwik-city';
import { strToU8, zipSync } from 'fflate';
import type { Dimension, QueryRequest, QueryResponse } from '../../../../contract/api';
import { api } from '../../lib/api';
import { CSV_TITLES, csvNumber, exportName, slug, toCsv } from '../../lib/csv';
import { apiFilters, dateRange, readView } from '../../lib/view';
import { labelFor, tabQuery } from './breakdown';
import { CARDS, type Tab } from './cards';

export interface ExportFile {
  name: string;
  body: string;
  /** the range as the API resolved it, for the zip's own name */
  from: string;
  to: string;
}

async function run(ev: RequestEventBase, query: QueryRequest, share: string | null) {
  const res = await api<QueryResponse>(ev, '/api/v2/query', { body: query, share });
  const [from, to] = (res.query.date_range as [string, string] | undefined) ?? ['', ''];
  return { res, from: String(from), to: String(to) };
}

/** One tab's rows; `search` narrows them as the details page does. */
export async function tabCsv(ev: RequestEventBase, share: string | null, site: string, url: URL, tab: Tab, dimension = tab.dimension, search = ''): Promise<ExportFile> {
  const query = tabQuery(site, url, tab, dimension as Dimension);
  if (search) query.filters = [...(query.filters ?? []), ['contains', dimension as Dimension, [search]]];
  const { res, from, to } = await run(ev, query, share);
  const header = [tab.column, ...tab.metrics.map((m) => CSV_TITLES[m] ?? m)];
  const rows = res.results.map((r) => [labelFor(dimension, String(r.dimensions[0] ?? '')), ...r.metrics.map(csvNumber)]);
  const report = dimension.startsWith('event:props:') ? `property-${dimension.slice('event:props:'.length)}` : tab.label;
  return { name: exportName(site, report, from, to), body: toCsv(header, rows), from, to };
}

const SERIES = ['visitors', 'visits', 'pageviews', 'bounce_rate', 'visit_duration'] as const;

/** The range day by day (or at the view's interval), as Plausible's visitors.csv. */
async function visitorsCsv(ev: RequestEventBase, share: string | null, site: string, url: URL): Promise<ExportFile> {
  const view = readView(url);
  const query: QueryRequest = { site_id: site, metrics: [...SERIES], date_range: dateRange(view), dimensions: [`time:${view.interval}` as Dimension], filters: apiFilters(view.filters), include: { time_labels: true } };
  const { res, from, to } = await run(ev, query, share);
  const by = new Map(res.results.map((r) => [String(r.dimensions[0]), r.metrics]));
  const labels = res.meta.time_labels ?? [...by.keys()];
  const rows = labels.map((l) => [l, ...(by.get(l)?.map(csvNumber) ?? SERIES.map(() => 0))]);
  return { name: exportName(site, 'visitors', from, to), body: toCsv(['Time', ...SERIES.map((m) => CSV_TITLES[m]!)], rows), from, to };
}

/** Every tab with a fixed dimension (the Properties tab needs a key, so it is left out). */
export const ZIPPED_TABS: Tab[] = CARDS.flatMap((c) => c.tabs).filter((t) => t.id !== 'props' && !t.map);
/** Queries at a time: 16 in one go would queue behind each other in D1 anyway. */
const PARALLEL = 4;

export async function everythingZip(ev: RequestEventBase, share: string | null, site: string, url: URL): Promise<{ name: string; body: Uint8Array }> {
  const jobs = [() => visitorsCsv(ev, share, site, url), ...ZIPPED_TABS.map((t) => () => tabCsv(ev, share, site, url, t))];
  const files: ExportFile[] = [];
  for (let i = 0; i < jobs.length; i += PARALLEL) files.push(...(await Promise.all(jobs.slice(i, i + PARALLEL).map((j) => j()))));
  // inside the zip the names are short, as Plausible's: sources.csv, entry-pages.csv…
  const entries = Object.fromEntries(files.map((f, i) => [`${i === 0 ? 'visitors' : slug(ZIPPED_TABS[i - 1]!.label)}.csv`, strToU8(f.body)]));
  return { name: exportName(site, 'export', files[0]!.from, files[0]!.to, 'zip'), body: zipSync(entries, { level: 6 }) };
}
