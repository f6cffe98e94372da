/**
 * `/sites/:site/performance/`: Core Web Vitals (GET /api/v1/sites/{site}/vitals) for the
 * overview's period and filters: a card per metric, the daily p75 trend and the table by page,
 * device, browser or country (`?by=`), each row linking to the overview filtered by it.
 */
import { component$, useStyles$ } from '@builder.io/qwik';
import { routeLoader$, useLocation, type DocumentHead } from '@builder.io/qwik-city';
import type { VitalsReport } from '../../../../../../contract/reports';
import { api, messageOf } from '../../../../lib/api';
import { readView } from '../../../../lib/view';
import { MetricCard } from '../../../../components/performance/metric-card';
import { Loading, ReportError } from '../../../../components/performance/page-state';
import { formatMs, readBy, reportParams, VITALS, VITALS_BY } from '../../../../components/performance/report-params';
import { VitalTrend } from '../../../../components/performance/trend';
import { VitalsTable } from '../../../../components/performance/vitals-table';
import styles from '../../../../components/performance/performance.css?inline';

export const useVitals = routeLoader$(async (ev) => {
  const base = `/api/v1/sites/${encodeURIComponent(ev.params.site!)}/vitals`;
  const q = reportParams(readView(ev.url), { filters: true });
  const table = new URLSearchParams(q);
  table.set('dimension', VITALS_BY[readBy(ev.url)].dimension);
  q.set('include', 'timeseries');
  try {
    // totals with the trend, and the breakdown: two answers, read in parallel
    const [totals, breakdown] = await Promise.all([api<VitalsReport>(ev, `${base}?${q}`), api<VitalsReport>(ev, `${base}?${table}`)]);
    return { ok: true as const, totals, breakdown };
  } catch (e) {
    return { ok: false as const, error: messageOf(e) };
  }
});

export default component$(() => {
  useStyles$(styles);
  const data = useVitals();
  const loc = useLocation();
  const by = readBy(loc.url);
  if (!data.value.ok) return <ReportError what="Performance data" message={data.value.error} />;
  const { totals, breakdown } = data.value;
  const t = totals.totals;
  const empty = VITALS.every((m) => t[m].samples === 0);
  return (
    <div class="vitals-page" data-testid="performance">
      <Loading />
      <p class="muted page-note">
        {totals.meta.date_range[0]} – {totals.meta.date_range[1]} ·{' '}
        {totals.meta.method === 'exact' ? 'exact percentiles' : `percentiles within ±${(totals.meta.error_bound * 100).toFixed(1)} %`}
      </p>
      {empty ? (
        <section class="card">
          <p class="empty" data-empty>
            No web vitals in this range. The tracker's <code>vitals</code> module sends them from real page loads.
          </p>
        </section>
      ) : (
        <>
          <div class="vital-cards">
            {VITALS.map((m) => (
              <MetricCard key={m} metric={m} answer={t[m]} />
            ))}
          </div>
          <section class="card" aria-label="Page load">
            <p class="page-note" data-testid="page-load">
              Page load p75: TTFB <span data-load="ttfb">{formatMs(t.page_load.ttfb)}</span> · first paint{' '}
              <span data-load="first_paint">{formatMs(t.page_load.first_paint)}</span> · DOM complete{' '}
              <span data-load="dom_complete">{formatMs(t.page_load.dom_complete)}</span>
            </p>
          </section>
          <section class="card vital-trends" aria-label="Daily p75">
            {VITALS.map((m) => (
              <VitalTrend key={m} metric={m} days={totals.timeseries ?? []} />
            ))}
          </section>
          <VitalsTable rows={breakdown.results} by={by} site={loc.params.site!} />
        </>
      )}
    </div>
  );
});

export const head: DocumentHead = ({ params }) => ({ title: `${params.site} · performance` });
