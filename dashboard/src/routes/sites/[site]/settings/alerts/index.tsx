/**
 * Alert rules of this site (DESIGN §4b): thresholds and anomalies with their channels, edit (the
 * form prefilled with the rule), delete, and each rule's firings ("firing" and "back to normal",
 * newest first) with how each send to each channel went. The API checks which combinations make
 * sense (e.g. anomalies are hourly, current_visitors takes a threshold, a vital's value defaults
 * to its poor threshold) and its message is shown next to the form. The signing secret of the
 * rule's webhook channels is shown once, after creating it.
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
import { OnceSecret } from '../../../../../components/settings/once-secret';
import { EditDetails } from '../../../../../components/settings/edit-details';

interface Alert {
  id: string;
  metric: string;
  kind: 'threshold' | 'anomaly';
  op: 'above' | 'below' | null;
  value?: number;
  window: string;
  channels: Channel[];
  cooldown_minutes: number;
  firing: boolean;
  last_fired_at: string | null;
}

interface Send {
  channel: number;
  type: string;
  target: string;
  attempt: number;
  outcome: 'ok' | 'error' | 'dead';
  http_status: number | null;
  error: string | null;
}

interface Firing {
  id: string;
  state: 'firing' | 'resolved';
  period: string;
  observed: number;
  expected: number | null;
  score: number | null;
  at: string;
  sends: Send[];
}

/** The last attempt at each channel: what the owner needs to know (did it get there?). */
const lastSends = (sends: Send[]): Send[] => [...new Map(sends.map((s) => [s.channel, s])).values()].sort((a, b) => a.channel - b.channel);
const VITALS = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'];

/** firings shown per rule; the API answers with up to 500 */
const FIRING_ROWS = 10;
const WINDOWS: Record<string, string> = { '5m': 'every 5 minutes', '1h': 'per hour', '1d': 'per day' };

export const useAlerts = routeLoader$(async (ev) => {
  const site = ev.params.site!;
  try {
    const [{ alerts }, { goals }] = await Promise.all([
      api<{ alerts: Alert[] }>(ev, sitePath(site, '/alerts')),
      api<{ goals: { display_name: string }[] }>(ev, sitePath(site, '/goals')),
    ]);
    // at most 20 rules per site (the API's cap): one firings request each is bounded
    const firings = await Promise.all(alerts.map((a) => api<{ firings: Firing[] }>(ev, sitePath(site, `/alerts/${encodeURIComponent(a.id)}/firings`))));
    return { ok: true as const, goals: goals.map((g) => g.display_name), alerts: alerts.map((a, i) => ({ ...a, firings: firings[i]!.firings.slice(0, FIRING_ROWS) })) };
  } catch (e) {
    return { ok: false as const, error: messageOf(e) };
  }
});

const VALUE = z.string().trim().regex(/^(\d+(\.\d+)?)?$/, 'The value is a number: visitors, pageviews, conversions, errors, or a vital in ms (CLS unitless).').optional();
const COOLDOWN = z.coerce.number().int().min(0).max(10_080, 'The cooldown is at most a week (10080 minutes).').default(60);

export const useCreateAlert = routeAction$(
  async (data, ev) => {
    const threshold = data.kind === 'threshold';
    const body = {
      metric: data.metric,
      kind: data.kind,
      // an anomaly learns its expected value: op and value belong to thresholds only
      ...(threshold && { op: data.op }),
      ...(threshold && data.value !== undefined && data.value !== '' && { value: Number(data.value) }),
      ...(data.window && { window: data.window }),
      cooldown_minutes: data.cooldown_minutes,
    };
    return orFail(ev, async () => {
      const alert = await api<Alert & { secret: string }>(ev, sitePath(ev.params.site!, '/alerts'), { body: { ...body, channels: channelsFrom(data) } });
      // Returned to this one response only: the API never shows the secret again.
      return { created: alert.id, rule: describeRule(alert), secret: alert.secret };
    });
  },
  zod$({
    metric: z.string().min(1, 'Pick a metric.').max(130),
    kind: z.enum(['threshold', 'anomaly']),
    op: z.enum(['above', 'below']).default('above'),
    value: VALUE,
    window: z.enum(['', '5m', '1h', '1d']).default(''),
    cooldown_minutes: COOLDOWN,
    ...CHANNEL_FIELDS,
  }),
);

/** PATCH: a threshold's op and value, and any rule's channels and cooldown (metric, kind and window make a new rule). */
export const useUpdateAlert = routeAction$(
  async (data, ev) => {
    const threshold = data.kind === 'threshold';
    const body = {
      ...(threshold && { op: data.op }),
      ...(threshold && data.value !== undefined && data.value !== '' && { value: Number(data.value) }),
      cooldown_minutes: data.cooldown_minutes,
    };
    return orFail(ev, async () => {
      const alert = await api<Alert>(ev, sitePath(ev.params.site!, `/alerts/${encodeURIComponent(data.id)}`), { method: 'PATCH', body: { ...body, channels: channelsFrom(data) } });
      return { updated: alert.id };
    });
  },
  zod$({ id: z.string().min(1), kind: z.enum(['threshold', 'anomaly']), op: z.enum(['above', 'below']).default('above'), value: VALUE, cooldown_minutes: COOLDOWN, ...CHANNEL_FIELDS }),
);

export const useDeleteAlert = routeAction$(
  (data, ev) => orFail(ev, async () => {
    await api(ev, sitePath(ev.params.site!, `/alerts/${encodeURIComponent(data.id)}`), { method: 'DELETE' });
    return { deleted: data.id };
  }),
  zod$({ id: z.string().min(1) }),
);

export const describeRule = (a: Alert): string =>
  a.kind === 'anomaly'
    ? `${a.metric}: unusual ${WINDOWS[a.window] ?? a.window} (anomaly)`
    : `${a.metric} ${a.op} ${a.value} ${WINDOWS[a.window] ?? a.window}`;

export default component$(() => {
  const data = useAlerts();
  const create = useCreateAlert();
  const del = useDeleteAlert();
  const update = useUpdateAlert();
  const created = create.value && !create.value.failed ? (create.value as { created: string; rule: string; secret: string }) : null;
  if (!data.value.ok) return <p class="error card" role="alert">{data.value.error}</p>;
  const { alerts, goals } = data.value;
  return (
    <>
      <section class="card stack">
        <h2>New alert</h2>
        <p class="muted">
          A threshold fires when the number crosses the value; an anomaly when an hour is far from the same hour of the week over the
          previous 4–8 weeks. Both say when things are back to normal, at most once per cooldown.
        </p>
        <Form action={create} class="stack" onSubmitCompleted$={resetOnSuccess}>
          <div class="inline-form">
            <label>
              Metric
              <select name="metric">
                <option value="visitors">visitors</option>
                <option value="pageviews">pageviews</option>
                <option value="current_visitors">current visitors (threshold, every 5 minutes)</option>
                <option value="errors">JavaScript errors</option>
                {VITALS.map((v) => (
                  <option key={v} value={`vital:${v}`}>
                    {`${v} p75 (threshold; default: above "poor")`}
                  </option>
                ))}
                {goals.map((g) => (
                  <option key={g} value={`goal:${g}`}>
                    {`goal: ${g}`}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Kind
              <select name="kind">
                <option value="threshold">threshold</option>
                <option value="anomaly">anomaly (hourly)</option>
              </select>
            </label>
            <label>
              When (threshold)
              <select name="op">
                <option value="above">above</option>
                <option value="below">below</option>
              </select>
            </label>
            <label>
              Value (threshold)
              <input name="value" inputMode="decimal" placeholder="e.g. 100" style="width:8rem" />
            </label>
            <label>
              Window
              <select name="window">
                <option value="">default (1h; 5m for current visitors)</option>
                <option value="1h">per hour</option>
                <option value="1d">per day</option>
                <option value="5m">5 minutes (current visitors)</option>
              </select>
            </label>
            <label>
              Cooldown (minutes)
              <input name="cooldown_minutes" type="number" min={0} max={10080} value={60} style="width:7rem" />
            </label>
          </div>
          <ChannelFields />
          <div>
            <button type="submit" class="primary" disabled={create.isRunning} data-testid="create-alert">
              Create alert
            </button>
          </div>
        </Form>
        <Problem of={create.value} testid="alert-error" />
        {created && (
          <>
            <p class="ok" role="status">
              Alert created.
            </p>
            <OnceSecret what="Signing secret of its webhook channels (Pulse-Signature)" owner={created.rule} value={created.secret} testid="new-alert" />
          </>
        )}
      </section>

      <section class="card stack">
        <h2>Alerts of this site</h2>
        <Problem of={del.value} />
        <Problem of={update.value} testid="alert-update-error" />
        {alerts.length === 0 && <p class="empty">No alerts yet.</p>}
        {alerts.map((a) => (
          <article key={a.id} class="stack" data-alert={a.id} style="border-top:1px solid var(--border);padding-top:0.75rem">
            <div class="inline-form" style="justify-content:space-between">
              <span>
                <strong>{describeRule(a)}</strong>{' '}
                {a.firing ? (
                  <span class="error" data-state="firing">
                    firing
                  </span>
                ) : (
                  <span class="muted" data-state="ok">
                    normal
                  </span>
                )}
              </span>
              <RowButton action={del} id={a.id} label="Delete" danger aria={`Delete the alert ${describeRule(a)}`} />
            </div>
            <p class="muted" style="margin:0;overflow-wrap:anywhere">
              To {a.channels.map(describeChannel).join(', ')} · cooldown {a.cooldown_minutes} min
            </p>
            <EditDetails label={`Edit the alert ${describeRule(a)}`}>
              <Form action={update} class="stack">
                <input type="hidden" name="id" value={a.id} />
                <input type="hidden" name="kind" value={a.kind} />
                <div class="inline-form">
                  {a.kind === 'threshold' && (
                    <>
                      <label>
                        When
                        <select name="op">
                          <option value="above" selected={a.op === 'above'}>above</option>
                          <option value="below" selected={a.op === 'below'}>below</option>
                        </select>
                      </label>
                      <label>
                        Value
                        <input name="value" inputMode="decimal" value={String(a.value ?? '')} style="width:8rem" />
                      </label>
                    </>
                  )}
                  <label>
                    Cooldown (minutes)
                    <input name="cooldown_minutes" type="number" min={0} max={10080} value={a.cooldown_minutes} style="width:7rem" />
                  </label>
                </div>
                <ChannelFields channels={a.channels} />
                <div>
                  <button type="submit" class="primary" disabled={update.isRunning} data-testid="save-alert">
                    Save
                  </button>
                </div>
              </Form>
            </EditDetails>
            {a.firings.length === 0 ? (
              <p class="muted" style="margin:0">
                Never fired.
              </p>
            ) : (
              <ul class="feed" data-testid="firings">
                {a.firings.map((f) => (
                  <li key={f.id} data-firing={f.state} style="flex-wrap:wrap">
                    <span>
                      <strong>{f.state === 'firing' ? 'Fired' : 'Back to normal'}</strong> · {f.period} · {f.observed}
                      {f.expected !== null && ` (expected about ${f.expected}, score ${f.score})`}
                    </span>
                    <time class="muted" dateTime={f.at}>
                      {f.at.slice(0, 16).replace('T', ' ')} UTC
                    </time>
                    {f.sends.length > 0 && (
                      <ul class="muted" data-testid="sends" style="flex-basis:100%;margin:0;padding-left:1rem;overflow-wrap:anywhere">
                        {lastSends(f.sends).map((x) => (
                          <li key={x.channel} data-send={x.outcome} data-channel={x.type}>
                            {x.type} {x.target}: {x.outcome === 'ok' ? 'sent' : x.outcome === 'dead' ? 'gave up' : 'failed, retrying'}
                            {x.http_status !== null && ` · HTTP ${x.http_status}`}
                            {x.attempt > 1 && ` · attempt ${x.attempt}`}
                            {x.error && x.outcome !== 'ok' && ` · ${x.error}`}
                          </li>
                        ))}
                      </ul>
                    )}
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

export const head: DocumentHead = { title: 'Alerts' };
