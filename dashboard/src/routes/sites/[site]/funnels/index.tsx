/**
 * `/sites/:site/funnels/`: a stored funnel (`?funnel=<id>`, the site's first by default) or one
 * built here (`?step=/pricing&step=Signup`: a leading slash is a page, anything else an event
 * name), over the overview's period and visit filters. Plain GET links and forms: no client JS.
 * A one-visit funnel's step links to the overview filtered by steps 1…k (a sequence filter), so
 * its numbers are those of the visitors who reached that step.
 */
import { component$ } from '@builder.io/qwik';
import { Link, routeLoader$, useLocation, type DocumentHead } from '@builder.io/qwik-city';
import type { FunnelReport } from '../../../../../../contract/reports';
import { FunnelBars } from '../../../../components/reports/funnel-bars';
import { ReportFrame } from '../../../../components/reports/report-frame';
import { reportQuery, reportSearch, viewHiddenFields } from '../../../../components/reports/report-query';
import { api, messageOf } from '../../../../lib/api';
import { SEQUENCE, sequenceValue, type SequenceStep } from '../../../../lib/sequence-filter';
import { hrefWith, hrefWithFilter, parseFilter, viewSearch } from '../../../../lib/view';

interface StoredFunnel {
  id: string;
  name: string;
  steps: string[];
}

const MAX_STEPS = 8;
const WINDOWS = ['session', '24h', '7d'] as const;

/** An inline step as the funnel API's event filter. */
function stepFilter(text: string): SequenceStep {
  return text.startsWith('/') ? ['is', 'event:page', [text]] : ['is', 'event:name', [text]];
}

/**
 * Links to the overview filtered by the visits that went through steps 1…k, one per step. Only the
 * view's visit filters go along: the funnel left the others out, and the overview must count
 * what the funnel counted.
 */
function overviewLinks(url: URL, site: string, steps: SequenceStep[]): string[] {
  const search = new URLSearchParams(viewSearch(url));
  const visit = search.getAll('f').filter((raw) => parseFilter(raw)?.dimension.startsWith('visit:'));
  search.delete('f');
  for (const raw of visit) search.append('f', raw);
  const overview = new URL(`/sites/${encodeURIComponent(site)}/?${search}`, url);
  return steps.map((_, k) => hrefWithFilter(overview, { dimension: SEQUENCE, op: 'is', values: [sequenceValue(steps.slice(0, k + 1))] }));
}

export const useFunnel = routeLoader$(async (ev) => {
  const base = `/api/v1/sites/${encodeURIComponent(ev.params.site!)}`;
  const q = reportQuery(ev.url);
  const params = ev.url.searchParams;
  // Only the first MAX_STEPS+1 fields are read: more is refused by the API anyway, and says so.
  const steps = params.getAll('step').slice(0, MAX_STEPS + 1).map((s) => s.trim()).filter((s) => s !== '');
  const win = (WINDOWS as readonly string[]).includes(params.get('window') ?? '') ? params.get('window')! : 'session';
  let funnels: StoredFunnel[] = [];
  let listError: string | null = null;
  try {
    funnels = (await api<{ funnels: StoredFunnel[] }>(ev, `${base}/funnels`)).funnels;
  } catch (e) {
    listError = messageOf(e);
  }
  const inline = steps.length > 0;
  const chosen = inline ? null : (params.get('funnel') ?? funnels[0]?.id ?? null);
  let report: FunnelReport | null = null;
  let error: string | null = null;
  try {
    if (inline) {
      if (steps.length < 2) throw new Error('A funnel needs at least two steps.');
      report = await api<FunnelReport>(ev, `${base}/funnels/query`, {
        body: { steps: steps.map(stepFilter), date_range: q.range ?? '30d', ...(q.filters.length ? { filters: q.filters } : {}), window: win },
      });
    } else if (chosen) {
      report = await api<FunnelReport>(ev, `${base}/funnels/${encodeURIComponent(chosen)}${reportSearch(q, { window: win })}`);
    }
  } catch (e) {
    error = messageOf(e);
  }
  // a sequence filter is Plausible's, within one visit: only a one-visit funnel's steps are its steps
  const sequence = report && win === 'session' ? (inline ? steps.map(stepFilter) : report.steps.map((s): SequenceStep => ['is', 'event:goal', [s.name]])) : null;
  const stepLinks = sequence ? overviewLinks(ev.url, ev.params.site!, sequence) : null;
  return { funnels, listError, chosen, steps, window: win, report, error, ignored: q.ignored, stepLinks };
});

export default component$(() => {
  const data = useFunnel();
  const loc = useLocation();
  const d = data.value;
  const fields = Math.min(MAX_STEPS, Math.max(d.steps.length + 1, 3));
  return (
    <ReportFrame title="Funnels" error={null} ignored={d.ignored}>
      {d.listError ? (
        <p class="error" role="alert">
          Saved funnels are unavailable: {d.listError}
        </p>
      ) : d.funnels.length > 0 ? (
        <ul class="choices" aria-label="Saved funnels">
          {d.funnels.map((f) => (
            <li key={f.id}>
              <Link prefetch={false} href={hrefWith(loc.url, { funnel: f.id, step: null })} aria-current={d.chosen === f.id ? 'true' : undefined}>
                {f.name}
              </Link>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">No saved funnels yet (add them under Settings → Goals &amp; funnels); build one below.</p>
      )}
      <details open={d.steps.length > 0 || d.funnels.length === 0}>
        <summary>Build a funnel</summary>
        <form method="get" class="picker-form" data-testid="funnel-form">
          {viewHiddenFields(loc.url).map(([k, v], i) => (
            <input key={`h${i}`} type="hidden" name={k} value={v} />
          ))}
          {Array.from({ length: fields }, (_, i) => (
            <label key={i}>
              Step {i + 1}
              <input name="step" value={d.steps[i] ?? ''} placeholder={i === 0 ? '/pricing' : i === 1 ? 'Signup' : 'optional'} maxLength={200} />
            </label>
          ))}
          <label>
            Window
            <select name="window">
              {WINDOWS.map((w) => (
                <option key={w} value={w} selected={d.window === w}>
                  {w === 'session' ? 'one visit' : w}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" class="primary">
            Show funnel
          </button>
        </form>
        <p class="muted">A step starting with / is a page; anything else is an event name. 2–8 steps; an empty field is skipped (submit for one more field).</p>
      </details>
      {d.error ? (
        <p class="error" role="alert" data-error>
          {d.error}
        </p>
      ) : d.report ? (
        <>
          <h3>{d.report.funnel.name}</h3>
          <FunnelBars report={d.report} stepLinks={d.stepLinks} />
        </>
      ) : (
        <p class="empty" data-empty>
          Pick a saved funnel or build one to see how many visitors go through each step.
        </p>
      )}
    </ReportFrame>
  );
});

export const head: DocumentHead = ({ params }) => ({ title: `${params.site} · funnels` });
