/**
 * `/sites/:site/journeys/?start=/pricing&steps=5`: the top paths through the site from the entry
 * page or from a start page, over the overview's period and visit filters. The start picker is a
 * GET form whose suggestions are the pages the current answer saw.
 */
import { component$ } from '@builder.io/qwik';
import { routeLoader$, useLocation, type DocumentHead } from '@builder.io/qwik-city';
import type { JourneysReport } from '../../../../../../contract/reports';
import { JourneyPaths } from '../../../../components/reports/journey-paths';
import { ReportFrame } from '../../../../components/reports/report-frame';
import { reportQuery, reportSearch, viewHiddenFields } from '../../../../components/reports/report-query';
import { api, messageOf } from '../../../../lib/api';

const STEP_CHOICES = [2, 3, 4, 5, 6, 7, 8, 9, 10];

export const useJourneys = routeLoader$(async (ev) => {
  const q = reportQuery(ev.url);
  const start = ev.url.searchParams.get('start')?.trim() || null;
  const raw = Number(ev.url.searchParams.get('steps'));
  const steps = STEP_CHOICES.includes(raw) ? raw : 5;
  try {
    const report = await api<JourneysReport>(ev, `/api/v1/sites/${encodeURIComponent(ev.params.site!)}/journeys${reportSearch(q, { start, steps: String(steps) })}`);
    return { start, steps, report, error: null, ignored: q.ignored };
  } catch (e) {
    return { start, steps, report: null, error: messageOf(e), ignored: q.ignored };
  }
});

export default component$(() => {
  const data = useJourneys();
  const loc = useLocation();
  const { start, steps, report, error, ignored } = data.value;
  const pages = [...new Set((report?.paths ?? []).flatMap((p) => p.pages).filter((p) => p !== '(exit)'))].sort();
  return (
    <ReportFrame title="Journeys" error={null} ignored={ignored}>
      <form method="get" class="picker-form" data-testid="journeys-form">
        {viewHiddenFields(loc.url).map(([k, v], i) => (
          <input key={i} type="hidden" name={k} value={v} />
        ))}
        <label>
          Start page
          <input name="start" value={start ?? ''} placeholder="entry page" maxLength={2000} {...{ list: "journey-pages" }} />
        </label>
        <datalist id="journey-pages">
          {pages.map((p) => (
            <option key={p} value={p} />
          ))}
        </datalist>
        <label>
          Steps
          <select name="steps">
            {STEP_CHOICES.map((n) => (
              <option key={n} value={String(n)} selected={n === steps}>
                {String(n)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="primary">
          Show paths
        </button>
      </form>
      {error ? (
        <p class="error" role="alert" data-error>
          {error}
        </p>
      ) : report && report.paths.length > 0 ? (
        <JourneyPaths report={report} />
      ) : (
        <p class="empty" data-empty>
          {start ? `No session viewed ${start} in this period.` : 'No sessions in this period.'}
        </p>
      )}
    </ReportFrame>
  );
});

export const head: DocumentHead = ({ params }) => ({ title: `${params.site} · journeys` });
