/**
 * The channel inputs of the alert and digest forms; fill at least one (channels.ts reads them).
 * `channels`: what an edit form starts from (one channel of each type, as the form holds).
 */
import { component$ } from '@builder.io/qwik';
import type { Channel } from './channels';

export const ChannelFields = component$<{ channels?: Channel[] }>((props) => {
  const of = (type: Channel['type']) => {
    const c = props.channels?.find((x) => x.type === type);
    return c ? (c.type === 'email' ? c.to : c.url) : undefined;
  };
  return (
    <fieldset class="inline-form" style="border:1px solid var(--border);border-radius:8px;min-width:0">
      <legend>Send to (at least one)</legend>
      <label>
        Email
        <input name="email" type="email" placeholder="you@example.com" autoComplete="email" value={of('email')} />
      </label>
      <label>
        Slack incoming webhook URL
        <input name="slack_url" type="url" placeholder="https://hooks.slack.com/services/…" value={of('slack')} />
      </label>
      <label>
        Webhook URL
        <input name="webhook_url" type="url" placeholder="https://example.com/hook" value={of('webhook')} />
      </label>
    </fieldset>
  );
});
