/**
 * `onSubmitCompleted$` of the automation forms: empties the form after a successful save only.
 * Qwik's own `spaReset` resets after every submission, which would throw away what was typed
 * whenever the API answers with a message to fix it.
 */
import { $ } from '@builder.io/qwik';

export const resetOnSuccess = $((event: CustomEvent<{ status: number; value: unknown }>, form: HTMLFormElement) => {
  const failed = (event.detail.value as { failed?: boolean } | undefined)?.failed;
  if (event.detail.status < 300 && !failed) form.reset();
});
