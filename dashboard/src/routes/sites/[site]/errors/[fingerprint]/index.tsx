/**
 * `/sites/:site/errors/:fingerprint/`: one error group (GET /api/v1/sites/{site}/errors/{fp}):
 * message and source, counts, daily events, sample stacks and the pages and browsers it hit,
 * under the overview's period and filters.
 */
import { component$, useStyles$ } from '@builder.io/qwik';
import { Link, routeLoader$, useLocation, type DocumentHead } from '@builder.io/qwik-city';
import type { ErrorDetailReport } from '../../../../../../../contract/reports';
import { api, ApiError, messageOf } from '../../../../../lib/api';
import { formatNumber } from '../../../../../lib/format';
import { readView, viewSearch } from '../../../../../lib/view';
import { Loading, ReportError } from '../../../../../components/performance/page-state';
import { dailyEvents, reportParams } from '../../../../../components/performance/report-params';
import { Sparkline } from '../../../../../components/sparkline/sparkline';
import styles from '../../../../../components/performance/performance.css?inline';

export const useErrorDetail = routeLoader$(async (ev) => {
  const q = reportParams(readView(ev.url), { filters: true });
  const path = `/api/v1/sites/${encodeURIComponent(ev.params.site!)}/errors/${encodeURIComponent(ev.params.fingerprint!)}?${q}`;
  try {
    return { ok: true as const, detail: await api<ErrorDetailReport>(ev, path) };
  } catch (e) {
    // a group with no events in this period is "empty", not a failure
    if (e instanceof ApiError && e.status === 404) return { ok: true as const, detail: null, message: e.message };
    return { ok: false as const, error: messageOf(e) };
  }
});

const when = (iso: string) => `${iso.replace('T', ' ').slice(0, 16)} UTC`;

export default component$(() => {
  useStyles$(styles);
  const data = useErrorDetail();
  const loc = useLocation();
  const back = `/sites/${encodeURIComponent(loc.params.site!)}/errors/${viewSearch(loc.url)}`;
  if (!data.value.ok) return <ReportError what="This error group" message={data.value.error} />;
  const found = data.value.detail;
  if (!found) {
    return (
      <section class="card errors-page">
        <p class="empty" data-empty>
          {data.value.message}
        </p>
        <Link prefetch={false} href={back}>All errors</Link>
      </section>
    );
  }
  const g = found.result;
  const daily = dailyEvents(found.meta.date_range, g.daily);
  return (
    <div class="errors-page" data-testid="error-detail" data-fingerprint={g.fingerprint}>
      <Loading />
      <Link prefetch={false} href={back}>← All errors</Link>
      <section class="card">
        <h2 class="error-message" data-message>{g.message ?? '(no message)'}</h2>
        <dl class="error-facts">
          <dt>Source</dt>
          <dd data-source>{g.source ? `${g.source}${g.line !== null ? `:${g.line}` : ''}` : '—'}</dd>
          <dt>Events</dt>
          <dd data-events={g.events}>{formatNumber(g.events)}</dd>
          <dt>Visitors</dt>
          <dd data-visitors={g.visitors}>{formatNumber(g.visitors)}</dd>
          <dt>First seen</dt>
          <dd>{when(g.first_seen)}</dd>
          <dt>Last seen</dt>
          <dd>{when(g.last_seen)}</dd>
        </dl>
        <p class="muted page-note">
          Daily events, {found.meta.date_range[0]} – {found.meta.date_range[1]}
        </p>
        <Sparkline values={daily} label={`daily events, highest ${Math.max(0, ...daily)}`} />
      </section>
      <div class="error-lists">
        <section class="card" aria-labelledby="err-pages">
          <h2 id="err-pages">Pages</h2>
          <BreakdownTable rows={g.pages.map((p) => ({ name: p.page, events: p.events, visitors: p.visitors }))} kind="page" />
        </section>
        <section class="card" aria-labelledby="err-browsers">
          <h2 id="err-browsers">Browsers</h2>
          <BreakdownTable rows={g.browsers.map((b) => ({ name: b.browser, events: b.events, visitors: b.visitors }))} kind="browser" />
        </section>
      </div>
      <section class="card" aria-labelledby="err-stacks">
        <h2 id="err-stacks">Sample stacks</h2>
        {g.stacks.length === 0 ? (
          <p class="empty">No stack was sent with this error (errors thrown from other origins' scripts carry none).</p>
        ) : (
          g.stacks.map((s) => (
            <figure key={s.stack} class="vital-trend" data-stack>
              <figcaption class="muted">last seen {when(s.last_seen)}</figcaption>
              <pre class="error-stack">{s.stack}</pre>
            </figure>
          ))
        )}
      </section>
    </div>
  );
});

const BreakdownTable = component$<{ rows: { name: string; events: number; visitors: number }[]; kind: string }>(({ rows, kind }) =>
  rows.length === 0 ? (
    <p class="empty">none</p>
  ) : (
    <div class="table-scroll">
      <table data-breakdown={kind}>
        <thead>
          <tr>
            <th scope="col">{kind === 'page' ? 'Page' : 'Browser'}</th>
            <th scope="col" class="num">Events</th>
            <th scope="col" class="num">Visitors</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.name} data-row={r.name}>
              <th scope="row" class="dim">{r.name}</th>
              <td class="num" data-events={r.events}>{formatNumber(r.events)}</td>
              <td class="num" data-visitors={r.visitors}>{formatNumber(r.visitors)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  ),
);

export const head: DocumentHead = ({ params }) => ({ title: `${params.site} · error ${params.fingerprint}` });
