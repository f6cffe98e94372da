/**
 * A destructive site action behind typing the site's domain (delete the site, reset its stats):
 * the API checks the typed domain too and answers 400 when it differs, shown here.
 */
import { component$ } from '@builder.io/qwik';
import { Form, type ActionStore } from '@builder.io/qwik-city';

interface Props {
  site: string;
  title: string;
  /** what goes and what stays */
  warning: string;
  button: string;
  zoneTestid: string;
  formTestid: string;
  action: ActionStore<unknown, { confirm: string }, false>;
  /** said once the action succeeded (none when success navigates away) */
  done?: string;
  doneTestid?: string;
}

export const ConfirmByDomain = component$<Props>((p) => {
  const result = p.action.value as { failed?: boolean; message?: string } | undefined;
  return (
    <section class="card danger-zone" data-testid={p.zoneTestid}>
      <h2>{p.title}</h2>
      <p class="muted">{p.warning}</p>
      <Form action={p.action} class="inline-form" data-testid={p.formTestid} spaReset>
        <label>
          Type <strong>{p.site}</strong> to confirm
          <input name="confirm" autoComplete="off" required spellcheck={false} />
        </label>
        <button type="submit" class="danger" disabled={p.action.isRunning}>
          {p.button}
        </button>
      </Form>
      {result?.failed && (
        <p class="error" role="alert">
          {result.message}
        </p>
      )}
      {p.done && result && !result.failed && (
        <p class="muted" role="status" data-testid={p.doneTestid}>
          {p.done}
        </p>
      )}
    </section>
  );
});

