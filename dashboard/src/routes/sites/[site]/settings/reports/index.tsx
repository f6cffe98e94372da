/**
 * Digests of this site (DESIGN §4b, `reports`): weekly or monthly, to email, Slack or a webhook;
 * edit (the form prefilled), delete, and "Send now", which sends the last complete period without
 * touching what the cron has sent. The signing secret of its webhook channels is shown once, after
 * creating it.
 */
import { component$ } from '@builder.io/qwik';
import { Form, routeAction$, routeLoader$, z, zod$, type DocumentHead } from '@builder.io/qwik-city';
import { api, messageOf } from '../../../../../lib/api';
import { CHANNEL_FIELDS, channelsFrom, describeChannel, sitePath, type Channel } from '../../../../../components/automation/channels';
import { ChannelFields } from '../../../../../components/automation/channel-fields';
import { Problem } from '../../../../../components/automation/problem';
import { resetOnSuccess } from '../../../../../components/automation/reset-on-success';
import { orFail } from '../../../../../components/settings/or-fail';
import { RowButton } from '../../../../../components/settings/row-button';
import { EditDetails } from '../../../../../components/settings/edit-details';
import { OnceSecret } from '../../../../../components/settings/once-secret';

interface Report {
  id: string;
  interval: 'weekly' | 'monthly';
  channels: Channel[];
  last_sent_period: string | null;
  created_at: string;
}

export const useReports = routeLoader$(async (ev) => {
  try {
    return { ok: true as const, reports: (await api<{ reports: Report[] }>(ev, sitePath(ev.params.site!, '/reports'))).reports };
  } catch (e) {
    return { ok: false as const, error: messageOf(e) };
  }
});

export const useCreateReport = routeAction$(
  (data, ev) => orFail(ev, async () => {
    const report = await api<Report & { secret: string }>(ev, sitePath(ev.params.site!, '/reports'), { body: { interval: data.interval, channels: channelsFrom(data) } });
    // returned to this one response only: the API never shows the secret again
    return { created: report.id, interval: report.interval, secret: report.secret };
  }),
  zod$({ interval: z.enum(['weekly', 'monthly']), ...CHANNEL_FIELDS }),
);

export const useUpdateReport = routeAction$(
  (data, ev) => orFail(ev, async () => {
    const report = await api<Report>(ev, sitePath(ev.params.site!, `/reports/${encodeURIComponent(data.id)}`), { method: 'PATCH', body: { interval: data.interval, channels: channelsFrom(data) } });
    return { updated: report.id };
  }),
  zod$({ id: z.string().min(1), interval: z.enum(['weekly', 'monthly']), ...CHANNEL_FIELDS }),
);

export const useDeleteReport = routeAction$(
  (data, ev) => orFail(ev, async () => {
    await api(ev, sitePath(ev.params.site!, `/reports/${encodeURIComponent(data.id)}`), { method: 'DELETE' });
    return { deleted: data.id };
  }),
  zod$({ id: z.string().min(1) }),
);

export const useSendReport = routeAction$(
  (data, ev) => orFail(ev, async () => {
    const sent = await api<{ period: { from: string; to: string } }>(ev, sitePath(ev.params.site!, `/reports/${encodeURIComponent(data.id)}/send`), { method: 'POST' });
    return { report: data.id, from: sent.period.from, to: sent.period.to };
  }),
  zod$({ id: z.string().min(1) }),
);

export default component$(() => {
  const data = useReports();
  const create = useCreateReport();
  const del = useDeleteReport();
  const send = useSendReport();
  const update = useUpdateReport();
  const sent = send.value && !send.value.failed ? (send.value as { report: string; from: string; to: string }) : null;
  return (
    <>
      <section class="card stack">
        <h2>New digest</h2>
        <p class="muted">
          Top stats with their change, top sources, pages and goals. Weekly digests cover the last Monday–Sunday and go out on Monday
          morning (site time); monthly ones cover the last month and go out on the 1st.
        </p>
        <Form action={create} class="stack" onSubmitCompleted$={resetOnSuccess}>
          <label style="max-width:14rem">
            Every
            <select name="interval">
              <option value="weekly">week</option>
              <option value="monthly">month</option>
            </select>
          </label>
          <ChannelFields />
          <div>
            <button type="submit" class="primary" disabled={create.isRunning} data-testid="create-report">
              Create digest
            </button>
          </div>
        </Form>
        <Problem of={create.value} testid="report-error" />
        {create.value && !create.value.failed && (
          <>
            <p class="ok" role="status">
              Digest created.
            </p>
            <OnceSecret
              what="Signing secret of its webhook channels (Pulse-Signature)"
              owner={`the ${(create.value as { interval: string }).interval} digest`}
              value={(create.value as { secret: string }).secret}
              testid="new-report"
            />
          </>
        )}
      </section>

      <section class="card stack">
        <h2>Digests of this site</h2>
        {!data.value.ok && <p class="error" role="alert">{data.value.error}</p>}
        <Problem of={del.value} />
        <Problem of={send.value} testid="send-error" />
        <Problem of={update.value} testid="report-update-error" />
        {data.value.ok && data.value.reports.length === 0 && <p class="empty">No digests yet.</p>}
        {data.value.ok &&
          data.value.reports.map((r) => (
            <article key={r.id} class="inline-form" data-report={r.id} style="justify-content:space-between;border-top:1px solid var(--border);padding-top:0.75rem">
              <span style="overflow-wrap:anywhere;min-width:0">
                <strong>{r.interval === 'weekly' ? 'Weekly' : 'Monthly'}</strong> to {r.channels.map(describeChannel).join(', ')}
                <span class="muted"> · {r.last_sent_period ? `last sent for ${r.last_sent_period}` : 'not sent yet'}</span>
              </span>
              <span class="inline-form">
                <RowButton action={send} id={r.id} label="Send now" />
                <RowButton action={del} id={r.id} label="Delete" danger aria={`Delete the ${r.interval} digest`} />
              </span>
              <div style="flex-basis:100%">
                <EditDetails label={`Edit the ${r.interval} digest`}>
                  <Form action={update} class="stack">
                    <input type="hidden" name="id" value={r.id} />
                    <label style="max-width:14rem">
                      Every
                      <select name="interval">
                        <option value="weekly" selected={r.interval === 'weekly'}>week</option>
                        <option value="monthly" selected={r.interval === 'monthly'}>month</option>
                      </select>
                    </label>
                    <ChannelFields channels={r.channels} />
                    <div>
                      <button type="submit" class="primary" disabled={update.isRunning} data-testid="save-report">
                        Save
                      </button>
                    </div>
                  </Form>
                </EditDetails>
              </div>
              {sent?.report === r.id && (
                <p class="ok" role="status" data-testid="report-sent" style="flex-basis:100%;margin:0">
                  Sent the digest for {sent.from} to {sent.to}.
                </p>
              )}
            </article>
          ))}
      </section>
    </>
  );
});

export const head: DocumentHead = { title: 'Digests' };
