/** The channel inputs of the alert and digest forms; fill at least one (channels.ts reads them). */
import { component$ } from '@builder.io/qwik';

export const ChannelFields = component$(() => (
  <fieldset class="inline-form" style="border:1px solid var(--border);border-radius:8px;min-width:0">
    <legend>Send to (at least one)</legend>
    <label>
      Email
      <input name="email" type="email" placeholder="you@example.com" autoComplete="email" />
    </label>
    <label>
      Slack incoming webhook URL
      <input name="slack_url" type="url" placeholder="https://hooks.slack.com/services/…" />
    </label>
    <label>
      Webhook URL
      <input name="webhook_url" type="url" placeholder="https://example.com/hook" />
    </label>
  </fieldset>
));
