/**
 * Alert rules of this site (DESIGN §4b): thresholds and anomalies with their channels, delete, and
 * each rule's firings ("firing" and "back to normal", newest first). The API checks which
 * combinations make sense (e.g. anomalies are hourly, current_visitors takes a threshold) and its
 * message is shown next to the form.
 */
import { component$ } from '@builder.io/qwik';
import { Form, routeAction$, routeLoader$, z, zod$, type DocumentHead } from '@builder.io/qwik-city';
import { api, messageOf } from '../../../../../lib/api';
import { CHANNEL_FIELDS, channelsFrom, describeChannel, sitePath, type Channel } from '../../../../../components/automation/channels';
import { ChannelFields } from '../../../../../components/automation/channel-fields';
import { Problem } from '../../../../../components/automation/problem';
import { resetOnSuccess } from '../../../../../components/automation/reset-on-success';

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

interface Firing {
  id: string;
  state: 'firing' | 'resolved';
  period: string;
  observed: number;
  expected: number | null;
  score: number | null;
  at: string;
}

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
      channels: channelsFrom(data),
      cooldown_minutes: data.cooldown_minutes,
    };
    try {
      const alert = await api<Alert>(ev, sitePath(ev.params.site!, '/alerts'), { body });
      return { created: alert.id };
    } catch (e) {
      return ev.fail(400, { message: messageOf(e) });
    }
  },
  zod$({
    metric: z.string().min(1, 'Pick a metric.').max(130),
    kind: z.enum(['threshold', 'anomaly']),
    op: z.enum(['above', 'below']).default('above'),
    value: z.string().trim().regex(/^(\d+(\.\d+)?)?$/, 'The value is a number of visitors, pageviews or conversions.').optional(),
    window: z.enum(['', '5m', '1h', '1d']).default(''),
    cooldown_minutes: z.coerce.number().int().min(0).max(10_080, 'The cooldown is at most a week (10080 minutes).').default(60),
    ...CHANNEL_FIELDS,
  }),
);

export const useDeleteAlert = routeAction$(
  async (data, ev) => {
    try {
      await api(ev, sitePath(ev.params.site!, `/alerts/${encodeURIComponent(data.id)}`), { method: 'DELETE' });
      return { deleted: data.id };
    } catch (e) {
      return ev.fail(400, { message: messageOf(e) });
    }
  },
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
        {create.value && !create.value.failed && (
          <p class="ok" role="status">
            Alert created.
          </p>
        )}
      </section>

      <section class="card stack">
        <h2>Alerts of this site</h2>
        <Problem of={del.value} />
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
              <Form action={del}>
                <input type="hidden" name="id" value={a.id} />
                <button type="submit" class="danger" aria-label={`Delete the alert ${describeRule(a)}`}>
                  Delete
                </button>
              </Form>
            </div>
            <p class="muted" style="margin:0;overflow-wrap:anywhere">
              To {a.channels.map(describeChannel).join(', ')} · cooldown {a.cooldown_minutes} min
            </p>
            {a.firings.length === 0 ? (
              <p class="muted" style="margin:0">
                Never fired.
              </p>
            ) : (
              <ul class="feed" data-testid="firings">
                {a.firings.map((f) => (
                  <li key={f.id} data-firing={f.state}>
                    <span>
                      <strong>{f.state === 'firing' ? 'Fired' : 'Back to normal'}</strong> · {f.period} · {f.observed}
                      {f.expected !== null && ` (expected about ${f.expected}, score ${f.score})`}
                    </span>
                    <time class="muted" dateTime={f.at}>
                      {f.at.slice(0, 16).replace('T', ' ')} UTC
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

export const head: DocumentHead = { title: 'Alerts' };
