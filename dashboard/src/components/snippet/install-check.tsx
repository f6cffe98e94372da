/**
 * "Is my snippet working?": the site's latest pageview, on demand (a button, so the settings page
 * costs no extra query until asked) and once on first view.
 */
import { component$, useSignal, useTask$ } from '@builder.io/qwik';
import { lastPageview, type LastPageview } from '../../lib/install-check';

export const InstallCheck = component$<{ site: string; timezone: string }>(({ site, timezone }) => {
  const state = useSignal<{ ok: true; data: LastPageview | null } | { ok: false; error: string } | null>(null);
  const checking = useSignal(false);
  useTask$(async () => {
    state.value = await lastPageview(site);
  });
  return (
    <p class="install-check" data-testid="install-check" aria-live="polite" data-state={state.value?.ok ? (state.value.data ? 'seen' : 'none') : 'error'}>
      {state.value === null
        ? 'Checking…'
        : !state.value.ok
          ? `Could not check: ${state.value.error}`
          : state.value.data
            ? `We saw a pageview from ${state.value.data.hostname} at ${state.value.data.at} (${timezone}): the snippet works.`
            : 'No pageview yet: add the snippet, open a page of the site, then check again.'}{' '}
      <button
        type="button"
        class="link-button"
        disabled={checking.value}
        onClick$={async () => {
          checking.value = true;
          state.value = await lastPageview(site);
          checking.value = false;
        }}
      >
        Check again
      </button>
    </p>
  );
});
