/**
 * Operations (DESIGN §4b `GET /api/v1/status`, issue 19 item 7), for operators only (the Worker's
 * PULSE_OPERATOR_EMAILS): per site the outbox backlog and its oldest event's age, rollup
 * freshness, today's events and drops; the Queues' depth; the last cron runs; each D1 database
 * against its 10 GB; and the operations alert rules with their firings. Anyone else gets a 403
 * page, before the API is asked (the API refuses them too).
 */
import { component$ } from '@builder.io/qwik';
import { Link, routeAction$, routeLoader$, useLocation, z, zod$, type DocumentHead } from '@builder.io/qwik-city';
import { api, ApiError, messageOf } from '../../lib/api';
import { getMe } from '../../lib/session';
import { CHANNEL_FIELDS, channelsFrom } from '../../components/automation/channels';
import { orFail } from '../../components/settings/or-fail';
import { CronTable, DatabaseBars, QueuesTable, SitesTable } from '../../components/operations/status-tables';
import { describeOpsRule, OpsAlerts } from '../../components/operations/ops-alerts';
import { OPS_METRICS, type OpsAlert, type OpsFiring, type Status } from '../../components/operations/types';

/** firings shown per rule; the API answers with up to 500 */
const FIRING_ROWS = 10;

export const useOperations = routeLoader$(async (ev) => {
  if (!getMe(ev)?.operator) {
    ev.status(403);
    return { state: 'forbidden' as const };
  }
  const offset = Number(ev.url.searchParams.get('offset') ?? 0) || 0;
  try {
    const [status, { alerts }] = await Promise.all([
      api<Status>(ev, `/api/v1/status${offset > 0 ? `?offset=${offset}` : ''}`),
      api<{ alerts: OpsAlert[] }>(ev, '/api/v1/status/alerts'),
    ]);
    // at most 20 rules (the API's cap): one firings request each is bounded
    const firings = await Promise.all(alerts.map((a) => api<{ firings: OpsFiring[] }>(ev, `/api/v1/status/alerts/${encodeURIComponent(a.id)}/firings`)));
    return { state: 'ok' as const, offset, status, alerts: alerts.map((a, i) => ({ ...a, firings: firings[i]!.firings.slice(0, FIRING_ROWS) })) };
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) {
      ev.status(403);
      return { state: 'forbidden' as const };
    }
    return { state: 'error' as const, error: messageOf(e) };
  }
});

const VALUE = z.string().trim().regex(/^\d+(\.\d+)?$/, 'The value is a number: seconds, a percentage or a count of tasks.');
const COOLDOWN = z.coerce.number().int().min(0).max(10_080, 'The cooldown is at most a week (10080 minutes).').default(60);
const SCOPE = z.string().trim().max(253).optional();
const ruleBody = (data: { scope?: string; value: string; cooldown_minutes: number; email: string[]; slack_url: string[]; webhook_url: string[] }) => ({
  scope: data.scope ? data.scope : null,
  value: Number(data.value),
  cooldown_minutes: data.cooldown_minutes,
  channels: channelsFrom(data),
});

export const useCreateOpsAlert = routeAction$(
  (data, ev) => orFail(ev, async () => {
    const rule = await api<OpsAlert & { secret: string }>(ev, '/api/v1/status/alerts', { body: { metric: data.metric, ...ruleBody(data) } });
    // returned to this one response only: the API never shows the secret again
    return { created: rule.id, rule: describeOpsRule(rule), secret: rule.secret };
  }),
  zod$({ metric: z.enum(OPS_METRICS), scope: SCOPE, value: VALUE, cooldown_minutes: COOLDOWN, ...CHANNEL_FIELDS }),
);

export const useUpdateOpsAlert = routeAction$(
  (data, ev) => orFail(ev, async () => {
    const rule = await api<OpsAlert>(ev, `/api/v1/status/alerts/${encodeURIComponent(data.id)}`, { method: 'PATCH', body: ruleBody(data) });
    return { updated: rule.id };
  }),
  zod$({ id: z.string().min(1), scope: SCOPE, value: VALUE, cooldown_minutes: COOLDOWN, ...CHANNEL_FIELDS }),
);

export const useDeleteOpsAlert = routeAction$(
  (data, ev) => orFail(ev, async () => {
    await api(ev, `/api/v1/status/alerts/${encodeURIComponent(data.id)}`, { method: 'DELETE' });
    return { deleted: data.id };
  }),
  zod$({ id: z.string().min(1) }),
);

export default component$(() => {
  const data = useOperations();
  const create = useCreateOpsAlert();
  const update = useUpdateOpsAlert();
  const remove = useDeleteOpsAlert();
  const loc = useLocation();
  const d = data.value;
  if (d.state === 'forbidden') {
    return (
      <section class="card stack" data-testid="ops-forbidden">
        <h1>403 · Operators only</h1>
        <p>
          The Operations page shows every site's backlog, the Queues, cron runs and databases: it is for the people who run this Pulse
          deployment. Ask them to add your email to the Worker's <code>PULSE_OPERATOR_EMAILS</code>.
        </p>
        <p>
          <Link prefetch={false} href="/sites/">Back to your sites</Link>
        </p>
      </section>
    );
  }
  return (
    <section class="page stack" aria-busy={loc.isNavigating}>
      <div class="inline-form" style="justify-content:space-between">
        <h1 style="margin:0">Operations</h1>
        <span class="inline-form">
          {d.state === 'ok' && <span class="muted" data-testid="ops-at">As of {d.status.at.slice(0, 19).replace('T', ' ')} UTC</span>}
          <Link prefetch={false} href={loc.url.pathname + loc.url.search} class="button" data-testid="ops-refresh">
            Refresh
          </Link>
        </span>
      </div>
      {loc.isNavigating && (
        <p class="muted" role="status" data-testid="ops-loading">
          Loading the status…
        </p>
      )}
      {d.state === 'error' ? (
        <section class="card" role="alert" data-testid="ops-error">
          <h2>The status could not be read</h2>
          <p class="error">{d.error}</p>
          <p>Reload in a moment; the numbers are read fresh on every visit.</p>
        </section>
      ) : (
        <>
          <QueuesTable status={d.status} />
          <SitesTable status={d.status} />
          {(d.offset > 0 || d.status.next_offset !== null) && (
            <nav class="inline-form" aria-label="More sites">
              {d.offset > 0 && <Link prefetch={false} href={`?offset=${Math.max(0, d.offset - 100)}`}>Previous 100 sites</Link>}
              {d.status.next_offset !== null && <Link prefetch={false} href={`?offset=${d.status.next_offset}`}>Next 100 sites</Link>}
            </nav>
          )}
          <CronTable status={d.status} />
          <DatabaseBars status={d.status} />
          <OpsAlerts alerts={d.alerts} create={create} update={update} remove={remove} />
        </>
      )}
    </section>
  );
});

export const head: DocumentHead = { title: 'Operations' };
