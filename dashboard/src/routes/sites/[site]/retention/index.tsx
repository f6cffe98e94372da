/**
 * `/sites/:site/retention/?interval=day|week|month`: cohorts of identified visitors by their first
 * visit, as a heat-mapped triangle. With no period in the URL the API's default range for the
 * interval applies (30 days, 12 weeks, 12 months); the overview's visit filters select cohorts.
 */
import { component$ } from '@builder.io/qwik';
import { Link, routeLoader$, useLocation, type DocumentHead } from '@builder.io/qwik-city';
import type { RetentionInterval, RetentionReport } from '../../../../../../contract/reports';
import { CohortTable } from '../../../../components/reports/cohort-table';
import { ReportFrame } from '../../../../components/reports/report-frame';
import { rangeLabel, reportQuery, reportSearch } from '../../../../components/reports/report-query';
import { api, messageOf } from '../../../../lib/api';
import { hrefWith } from '../../../../lib/view';

const INTERVALS: RetentionInterval[] = ['day', 'week', 'month'];

export const useRetention = routeLoader$(async (ev) => {
  const q = reportQuery(ev.url, true);
  const raw = ev.url.searchParams.get('interval');
  const interval: RetentionInterval = INTERVALS.includes(raw as RetentionInterval) ? (raw as RetentionInterval) : 'week';
  try {
    const report = await api<RetentionReport>(ev, `/api/v1/sites/${encodeURIComponent(ev.params.site!)}/retention${reportSearch(q, { interval })}`);
    return { interval, report, error: null, ignored: q.ignored };
  } catch (e) {
    return { interval, report: null, error: messageOf(e), ignored: q.ignored };
  }
});

export default component$(() => {
  const data = useRetention();
  const loc = useLocation();
  const { interval, report, error, ignored } = data.value;
  const empty = !report || report.cohorts.every((c) => c.visitors === 0);
  return (
    <ReportFrame title="Retention" error={error} ignored={ignored}>
      <ul class="choices" aria-label="Interval">
        {INTERVALS.map((i) => (
          <li key={i}>
            <Link prefetch={false} href={hrefWith(loc.url, { interval: i })} aria-current={i === interval ? 'true' : undefined}>
              {i === 'day' ? 'Daily' : i === 'week' ? 'Weekly' : 'Monthly'}
            </Link>
          </li>
        ))}
      </ul>
      {report && (
        <p class="muted" data-note>
          {report.meta.note}
        </p>
      )}
      {report && (empty ? (
        <p class="empty" data-empty>
          No identified visitors first seen in {rangeLabel(report.meta.date_range)}.
        </p>
      ) : (
        <CohortTable report={report} />
      ))}
    </ReportFrame>
  );
});

export const head: DocumentHead = ({ params }) => ({ title: `${params.site} · retention` });
