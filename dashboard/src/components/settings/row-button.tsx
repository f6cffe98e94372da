/**
 * A one-button form acting on one row of a settings list (Delete, Revoke, Send test, Send now):
 * the row's id as a hidden field, posted to the page's action.
 */
import { component$ } from '@builder.io/qwik';
import { Form, type ActionStore } from '@builder.io/qwik-city';

export const RowButton = component$<{
  // any action taking `{ id }`: the list pages' delete, revoke, test and send actions
  action: ActionStore<any, { id: string }, false>;
  id: string;
  label: string;
  danger?: boolean;
  aria?: string;
}>((props) => (
  <Form action={props.action}>
    <input type="hidden" name="id" value={props.id} />
    <button type="submit" class={props.danger ? 'danger' : undefined} disabled={props.action.isRunning} aria-label={props.aria}>
      {props.label}
    </button>
  </Form>
));
