/**
 * The channel rows of the alert, digest and operations forms: any number of emails, Slack hooks
 * and webhooks (at most five filled, the API's cap), each row with its own label and a Remove
 * button, and "Add another …" per kind (channels.ts reads and checks the rows). Without script
 * the form still posts the rows it was rendered with, plus one empty row per kind.
 * `channels`: what an edit form starts from.
 */
import { component$, useStore } from '@builder.io/qwik';
import { CHANNEL_KINDS, MAX_CHANNELS, type Channel } from './channels';

type Rows = Record<Channel['type'], { id: number; value: string }[]>;

export const ChannelFields = component$<{ channels?: Channel[]; legend?: string }>((props) => {
  const store = useStore<{ rows: Rows; next: number }>(() => {
    let next = 0;
    const rows = Object.fromEntries(CHANNEL_KINDS.map((k) => {
      const values = (props.channels ?? []).filter((c) => c.type === k.type).map((c) => (c.type === 'email' ? c.to : c.url));
      return [k.type, (values.length ? values : ['']).map((value) => ({ id: next++, value }))];
    })) as Rows;
    return { rows, next };
  });
  const filled = Object.values(store.rows).flat().filter((r) => r.value.trim()).length;
  return (
    <fieldset class="stack" style="border:1px solid var(--border);border-radius:8px;min-width:0" data-channels>
      <legend>{props.legend ?? 'Send to (at least one)'}</legend>
      {CHANNEL_KINDS.map((k) => {
        const rows = store.rows[k.type];
        return (
          <div key={k.type} class="inline-form" data-channel-kind={k.type}>
            {rows.map((row, i) => (
              <span key={row.id} class="inline-form" data-channel-row style="gap:0.25rem;align-items:flex-end">
                <label>
                  {rows.length > 1 ? `${k.label} ${i + 1}` : k.label}
                  <input
                    name={`${k.field}[]`}
                    type={k.input}
                    placeholder={k.placeholder}
                    autoComplete={k.type === 'email' ? 'email' : 'off'}
                    value={row.value}
                    onInput$={(_, el) => (row.value = el.value)}
                  />
                </label>
                {rows.length > 1 && (
                  <button type="button" aria-label={`Remove ${k.label.toLowerCase()} ${i + 1}`} onClick$={() => store.rows[k.type].splice(i, 1)}>
                    Remove
                  </button>
                )}
              </span>
            ))}
            <button
              type="button"
              class="link-button"
              disabled={filled >= MAX_CHANNELS}
              onClick$={() => store.rows[k.type].push({ id: store.next++, value: '' })}
            >
              {`Add another ${k.type === 'email' ? 'email' : k.type === 'slack' ? 'Slack hook' : 'webhook'}`}
            </button>
          </div>
        );
      })}
      {filled >= MAX_CHANNELS && <p class="muted" style="margin:0">{`${MAX_CHANNELS} channels is the most one rule or digest takes.`}</p>}
    </fieldset>
  );
});
