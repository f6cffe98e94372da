/**
 * `/sites/:site/errors/`: the JavaScript error groups of the overview's period
 * and filters (GET /api/v1/sites/{site}/errors), each with its daily events as a spark line (from the
 * group's detail, which carries the daily counts; one small read per group shown).
 */
import { component$, useStyles$ } from '@builder.io/qwik';
import { routeLoader$, useLocation, type DocumentHead } from '@builder.io/qwik-city';
import type { ErrorDetailReport, ErrorsReport } from '../../../../../../contract/reports';
import { api, messageOf } from '../../../../lib/api';
import { readView } from '../../../../lib/view';
import { ErrorGroups } from '../../../../components/performance/error-groups';
import { Loading, ReportError } from '../../../../components/performance/page-state';
import { dailyEvents, reportParams } from '../../../../components/performance/report-params';
import { formatNumber } from '../../../../lib/format';
import styles from '../../../../components/performance/performance.css?inline';

export const useErrors = routeLoader$(async (ev) => {
  const view = readView(ev.url);
  // the overview's filters apply (the API counts filtered groups from the error events)
  const q = reportParams(view, { filters: true });
  const base = `/api/v1/sites/${encodeURIComponent(ev.params.site!)}/errors`;
  try {
    const list = await api<ErrorsReport>(ev, `${base}?${q}`);
    const details = await Promise.all(
      list.results.map((g) => api<ErrorDetailReport>(ev, `${base}/${g.fingerprint}?${q}`).catch(() => null)),
    );
    const daily: Record<string, number[]> = {};
    for (const d of details) if (d) daily[d.result.fingerprint] = dailyEvents(list.meta.date_range, d.result.daily);
    return { ok: true as const, list, daily, filtered: view.filters.length > 0 };
  } catch (e) {
    return { ok: false as const, error: messageOf(e) };
  }
});

export default component$(() => {
  useStyles$(styles);
  const data = useErrors();
  const loc = useLocation();
  if (!data.value.ok) return <ReportError what="Error data" message={data.value.error} />;
  const { list, daily, filtered } = data.value;
  return (
    <div class="errors-page" data-testid="errors">
      <Loading />
      <section class="card">
        <h2>
          JavaScript errors <span class="muted" data-groups={list.meta.groups}>({formatNumber(list.meta.groups)} groups)</span>
        </h2>
        <p class="muted page-note">
          {list.meta.date_range[0]} – {list.meta.date_range[1]}
          {filtered && <span data-filtered> · only errors matching the overview’s filters</span>}
        </p>
        {list.results.length === 0 ? (
          <p class="empty" data-empty>
            No errors in this range. The tracker's <code>errors</code> module reports uncaught errors and rejected promises.
          </p>
        ) : (
          <ErrorGroups groups={list.results} daily={daily} site={loc.params.site!} />
        )}
      </section>
    </div>
  );
});

export const head: DocumentHead = ({ params }) => ({ title: `${params.site} · errors` });
