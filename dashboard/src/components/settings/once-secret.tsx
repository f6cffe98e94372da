/**
 * A token or signing secret the API shows only in its create answer (API keys, webhooks, alert
 * rules): shown once, right here, with a copy button.
 */
import { component$, useSignal } from '@builder.io/qwik';

/** `testid` names the block; the value itself is `valueTestid`, by default `<testid>-secret`. */
export const OnceSecret = component$<{ what: string; owner: string; value: string; testid: string; valueTestid?: string }>((props) => {
  const copied = useSignal('');
  return (
    <div role="status" class="stack" data-testid={props.testid}>
      <p>
        {props.what} for <strong>{props.owner}</strong>: copy it now. It is shown only once.
      </p>
      <p class="token" data-testid={props.valueTestid ?? `${props.testid}-secret`}>
        {props.value}
      </p>
      <div>
        <button
          type="button"
          onClick$={async () => {
            try {
              await navigator.clipboard.writeText(props.value);
              copied.value = 'Copied to the clipboard.';
            } catch {
              copied.value = 'Copying was refused by the browser: select the text and copy it.';
            }
          }}
        >
          Copy
        </button>{' '}
        <span role="status">{copied.value}</span>
      </div>
    </div>
  );
});
