/**
 * Webhooks of this site (DESIGN §4b): create (the signing secret is shown once, right here), edit
 * the URL and events (the form prefilled), delete, send a test delivery, and each webhook's
 * delivery log (the API keeps the last 100 attempts).
 */
import { component$ } from '@builder.io/qwik';
import { Form, routeAction$, routeLoader$, useLocation, z, zod$, type DocumentHead } from '@builder.io/qwik-city';
import { api, messageOf } from '../../../../../lib/api';
import { sitePath } from '../../../../../components/automation/channels';
import { Problem } from '../../../../../components/automation/problem';
import { resetOnSuccess } from '../../../../../components/automation/reset-on-success';
import { orFail } from '../../../../../components/settings/or-fail';
import { RowButton } from '../../../../../components/settings/row-button';
import { OnceSecret } from '../../../../../components/settings/once-secret';
import { EditDetails } from '../../../../../components/settings/edit-details';

interface Webhook {
  id: string;
  url: string;
  events: string[];
  created_at: string;
}

interface Delivery {
  id: string;
  delivery_id: string;
  type: string;
  attempt: number;
  outcome: string;
  http_status: number | null;
  error: string | null;
  duration_ms: number | null;
  at: string;
}

/** rows of the log shown per webhook; the API answers with up to 100 */
const LOG_ROWS = 20;

export const useWebhooks = routeLoader$(async (ev) => {
  const site = ev.params.site!;
  try {
    const { webhooks } = await api<{ webhooks: Webhook[] }>(ev, sitePath(site, '/webhooks'));
    // at most 10 webhooks per site (the API's cap), so one log request each is bounded
    const logs = await Promise.all(webhooks.map((w) => api<{ deliveries: Delivery[] }>(ev, sitePath(site, `/webhooks/${encodeURIComponent(w.id)}/deliveries`))));
    return { ok: true as const, webhooks: webhooks.map((w, i) => ({ ...w, deliveries: logs[i]!.deliveries.slice(0, LOG_ROWS) })) };
  } catch (e) {
    return { ok: false as const, error: messageOf(e) };
  }
});

const FIELDS = {
  url: z.string().trim().min(1, 'Enter the URL to send events to.').max(2000),
  events: z.string().trim().min(1, 'Give at least one event: * for all, or goal:Signup, event:Purchase, alert.').max(2000),
};
const eventList = (events: string) => events.split(/[\s,]+/).filter(Boolean);

export const useCreateWebhook = routeAction$(
  (data, ev) => orFail(ev, async () => {
    const hook = await api<Webhook & { secret: string }>(ev, sitePath(ev.params.site!, '/webhooks'), { body: { url: data.url, events: eventList(data.events) } });
    // Returned to this one response only: the API never shows the secret again.
    return { id: hook.id, url: hook.url, secret: hook.secret };
  }),
  zod$(FIELDS),
);

export const useUpdateWebhook = routeAction$(
  (data, ev) => orFail(ev, async () => {
    const hook = await api<Webhook>(ev, sitePath(ev.params.site!, `/webhooks/${encodeURIComponent(data.id)}`), { method: 'PATCH', body: { url: data.url, events: eventList(data.events) } });
    return { updated: hook.id };
  }),
  zod$({ id: z.string().min(1), ...FIELDS }),
);

export const useDeleteWebhook = routeAction$(
  (data, ev) => orFail(ev, async () => {
    await api(ev, sitePath(ev.params.site!, `/webhooks/${encodeURIComponent(data.id)}`), { method: 'DELETE' });
    return { deleted: data.id };
  }),
  zod$({ id: z.string().min(1) }),
);

export const useTestWebhook = routeAction$(
  (data, ev) => orFail(ev, async () => {
    const sent = await api<{ delivery_id: string }>(ev, sitePath(ev.params.site!, `/webhooks/${encodeURIComponent(data.id)}/test`), { method: 'POST' });
    return { webhook: data.id, delivery_id: sent.delivery_id };
  }),
  zod$({ id: z.string().min(1) }),
);

export default component$(() => {
  const hooks = useWebhooks();
  const create = useCreateWebhook();
  const del = useDeleteWebhook();
  const test = useTestWebhook();
  const update = useUpdateWebhook();
  const loc = useLocation();
  const created = create.value && !create.value.failed ? (create.value as { id: string; url: string; secret: string }) : null;
  const queued = test.value && !test.value.failed ? (test.value as { webhook: string; delivery_id: string }) : null;
  return (
    <>
      <section class="card stack">
        <h2>New webhook</h2>
        <p class="muted">
          Pulse POSTs each matching event as JSON, signed with the webhook's secret in the Pulse-Signature header (see the README for the
          verification recipe). Events: <code>*</code> for every goal conversion, custom event and alert, or a list such as{' '}
          <code>goal:Signup event:Purchase alert</code>.
        </p>
        <Form action={create} class="inline-form" onSubmitCompleted$={resetOnSuccess}>
          <label style="flex:2 1 16rem">
            URL
            <input name="url" type="url" placeholder="https://example.com/pulse-hook" required />
          </label>
          <label style="flex:1 1 12rem">
            Events
            <input name="events" value="*" required />
          </label>
          <button type="submit" class="primary" disabled={create.isRunning} data-testid="create-webhook">
            Create webhook
          </button>
        </Form>
        <Problem of={create.value} testid="webhook-error" />
        {created && <OnceSecret what="Signing secret" owner={created.url} value={created.secret} testid="new-webhook" />}
      </section>

      <section class="card stack">
        <h2>Webhooks of this site</h2>
        {!hooks.value.ok && <p class="error" role="alert">{hooks.value.error}</p>}
        <Problem of={del.value} />
        <Problem of={test.value} />
        <Problem of={update.value} testid="webhook-update-error" />
        {hooks.value.ok && hooks.value.webhooks.length === 0 && <p class="empty">No webhooks yet.</p>}
        {hooks.value.ok &&
          hooks.value.webhooks.map((w) => (
            <article key={w.id} class="stack" data-webhook={w.id} style="border-top:1px solid var(--border);padding-top:0.75rem">
              <div class="token">{w.url}</div>
              <p class="muted" style="margin:0">
                Events: {w.events.join(', ')} · created {w.created_at.slice(0, 10)}
              </p>
              <div class="inline-form">
                <RowButton action={test} id={w.id} label="Send test" />
                <RowButton action={del} id={w.id} label="Delete" danger aria={`Delete the webhook to ${w.url}`} />
                {/* deliveries go through a Queue, so the log fills a moment after "Send test"; a full load re-reads it */}
                <a href={loc.url.pathname} class="button">
                  Refresh log
                </a>
              </div>
              <EditDetails label={`Edit the webhook to ${w.url}`}>
                <Form action={update} class="inline-form">
                  <input type="hidden" name="id" value={w.id} />
                  <label style="flex:2 1 16rem">
                    URL
                    <input name="url" type="url" value={w.url} required />
                  </label>
                  <label style="flex:1 1 12rem">
                    Events
                    <input name="events" value={w.events.join(' ')} required />
                  </label>
                  <button type="submit" class="primary" disabled={update.isRunning} data-testid="save-webhook">
                    Save
                  </button>
                </Form>
              </EditDetails>
              {queued?.webhook === w.id && (
                <p class="ok" role="status" data-testid="test-queued">
                  Test delivery {queued.delivery_id} queued; it appears in the log below once attempted.
                </p>
              )}
              <h3 style="font-size:0.95rem;margin:0">Delivery log</h3>
              {w.deliveries.length === 0 ? (
                <p class="empty" style="padding:0">No deliveries yet.</p>
              ) : (
                <ul class="feed" data-testid="deliveries">
                  {w.deliveries.map((d) => (
                    <li key={d.id} data-outcome={d.outcome} data-type={d.type} style="flex-wrap:wrap">
                      <span>
                        <strong>{d.outcome}</strong> {d.type} · attempt {d.attempt}
                        {d.http_status !== null && ` · HTTP ${d.http_status}`}
                        {d.duration_ms !== null && ` · ${d.duration_ms} ms`}
                        {d.error && <span class="muted"> · {d.error}</span>}
                      </span>
                      <time class="muted" dateTime={d.at}>
                        {d.at.slice(0, 19).replace('T', ' ')} UTC
                      </time>
                    </li>
                  ))}
                </ul>
              )}
            </article>
          ))}
      </section>
    </>
  );
});

export const head: DocumentHead = { title: 'Webhooks' };
