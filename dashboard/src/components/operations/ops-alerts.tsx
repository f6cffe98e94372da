/**
 * The operations alert rules (`/api/v1/status/alerts`): each with its channels, firings and an
 * edit form (scope, value, cool-down, channels; the metric makes a new rule), and a form for a
 * new one. The settings pages' shared pieces do the rest: {@link RowButton} deletes,
 * {@link EditDetails} holds the edit form, {@link OnceSecret} shows the new rule's signing secret.
 */
import { component$ } from '@builder.io/qwik';
import { Form, type ActionStore } from '@builder.io/qwik-city';
import { ChannelFields } from '../automation/channel-fields';
import { describeChannel } from '../automation/channels';
import { Problem } from '../automation/problem';
import { resetOnSuccess } from '../automation/reset-on-success';
import { EditDetails } from '../settings/edit-details';
import { OnceSecret } from '../settings/once-secret';
import { RowButton } from '../settings/row-button';
import type { OpsAlert, OpsFiring, OpsMetric } from './types';

export const METRIC_WORDS: Record<OpsMetric, { label: string; unit: string; scope: string }> = {
  outbox_oldest_seconds: { label: 'oldest event waiting in an outbox', unit: 's', scope: 'a site (empty: every site)' },
  database_used_percent: { label: 'D1 database used', unit: '% of 10 GB', scope: 'a binding such as DB_2 (empty: the fullest)' },
  cron_failures: { label: 'cron tasks whose last run failed', unit: 'tasks', scope: 'a task such as rollups (empty: all)' },
};

export const describeOpsRule = (a: Pick<OpsAlert, 'metric' | 'scope' | 'value'>): string =>
  `${METRIC_WORDS[a.metric].label}${a.scope ? ` (${a.scope})` : ''} above ${a.value} ${METRIC_WORDS[a.metric].unit}`;

// any action of this page's forms: its value is the API's answer or a failure with a message
type AnyAction = ActionStore<any, any, false>;

interface Props {
  alerts: (OpsAlert & { firings: OpsFiring[] })[];
  create: AnyAction;
  update: AnyAction;
  remove: ActionStore<any, { id: string }, false>;
}

const Fields = component$<{ rule?: OpsAlert }>(({ rule }) => (
  <div class="inline-form">
    <label>
      Scope
      <input name="scope" value={rule?.scope ?? ''} placeholder="empty: all" style="width:12rem" />
    </label>
    <label>
      Above
      <input name="value" inputMode="decimal" required value={rule ? String(rule.value) : ''} placeholder="e.g. 600" style="width:8rem" />
    </label>
    <label>
      Cooldown (minutes)
      <input name="cooldown_minutes" type="number" min={0} max={10080} value={rule?.cooldown_minutes ?? 60} style="width:7rem" />
    </label>
  </div>
));

export const OpsAlerts = component$<Props>((p) => {
  const created = p.create.value && !p.create.value.failed ? (p.create.value as { rule: string; secret: string }) : null;
  return (
    <>
      <section class="card stack" aria-labelledby="ops-new-alert">
        <h2 id="ops-new-alert">New operations alert</h2>
        <p class="muted" style="margin:0">
          Checked every 5 minutes: fires when the number is above the value, says when it is back to normal, at most once per cooldown.
          Scope narrows it: {Object.values(METRIC_WORDS).map((w) => w.scope).join('; ')}.
        </p>
        <Form action={p.create} class="stack" onSubmitCompleted$={resetOnSuccess}>
          <label style="max-width:22rem">
            Metric
            <select name="metric">
              {Object.entries(METRIC_WORDS).map(([metric, w]) => (
                <option key={metric} value={metric}>{`${w.label} (${w.unit})`}</option>
              ))}
            </select>
          </label>
          <Fields />
          <ChannelFields />
          <div>
            <button type="submit" class="primary" disabled={p.create.isRunning} data-testid="create-ops-alert">
              Create alert
            </button>
          </div>
        </Form>
        <Problem of={p.create.value} testid="ops-alert-error" />
        {created && <OnceSecret what="Signing secret of its webhook channels (Pulse-Signature)" owner={created.rule} value={created.secret} testid="new-ops-alert" />}
      </section>

      <section class="card stack" aria-labelledby="ops-rules">
        <h2 id="ops-rules">Operations alerts</h2>
        <Problem of={p.remove.value} />
        <Problem of={p.update.value} testid="ops-alert-update-error" />
        {p.alerts.length === 0 && <p class="empty">No operations alerts yet.</p>}
        {p.alerts.map((a) => (
          <article key={a.id} class="stack" data-ops-alert={a.id} style="border-top:1px solid var(--border);padding-top:0.75rem">
            <div class="inline-form" style="justify-content:space-between">
              <span>
                <strong>{describeOpsRule(a)}</strong>{' '}
                {a.firing ? <span class="error" data-state="firing">firing</span> : <span class="muted" data-state="ok">normal</span>}
              </span>
              <RowButton action={p.remove} id={a.id} label="Delete" danger aria={`Delete the alert ${describeOpsRule(a)}`} />
            </div>
            <p class="muted" style="margin:0;overflow-wrap:anywhere">
              To {a.channels.map(describeChannel).join(', ')} · cooldown {a.cooldown_minutes} min
            </p>
            <EditDetails label={`Edit the alert ${describeOpsRule(a)}`}>
              <Form action={p.update} class="stack">
                <input type="hidden" name="id" value={a.id} />
                <Fields rule={a} />
                <ChannelFields channels={a.channels} />
                <div>
                  <button type="submit" class="primary" disabled={p.update.isRunning} data-testid="save-ops-alert">
                    Save
                  </button>
                </div>
              </Form>
            </EditDetails>
            {a.firings.length === 0 ? (
              <p class="muted" style="margin:0">Never fired.</p>
            ) : (
              <ul class="feed" data-testid="ops-firings">
                {a.firings.map((f) => (
                  <li key={f.id} data-firing={f.state} data-observed={f.observed}>
                    <span>
                      <strong>{f.state === 'firing' ? 'Fired' : 'Back to normal'}</strong> · {f.period} UTC · {f.observed}
                    </span>
                    <time class="muted" dateTime={f.at}>{f.at.slice(0, 16).replace('T', ' ')} UTC</time>
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
