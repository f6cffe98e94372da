/**
 * A token or signing secret the API shows only in its create answer (API keys, webhooks, alert
 * rules): shown once, right here, with a copy button.
 */
import { component$ } from '@builder.io/qwik';
import { CopyButton } from './copy-button';

/** `testid` names the block; the value itself is `valueTestid`, by default `<testid>-secret`. */
export const OnceSecret = component$<{ what: string; owner: string; value: string; testid: string; valueTestid?: string }>((props) => (
  <div role="status" class="stack" data-testid={props.testid}>
    <p>
      {props.what} for <strong>{props.owner}</strong>: copy it now. It is shown only once.
    </p>
    <p class="token" data-testid={props.valueTestid ?? `${props.testid}-secret`}>
      {props.value}
    </p>
    <div>
      <CopyButton text={props.value} label={`Copy ${props.what.toLowerCase()}`} />
    </div>
  </div>
));
