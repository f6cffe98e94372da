/** The tracking snippet of a site with a copy button (settings and the new-site onboarding). */
import { component$, useSignal } from '@builder.io/qwik';

export const trackingSnippet = (site: string, tracker: string) => `<script defer data-domain="${site}" src="${tracker}/js/pulse.js"></script>`;

export const Snippet = component$<{ site: string; tracker: string }>(({ site, tracker }) => {
  const copied = useSignal('');
  const snippet = trackingSnippet(site, tracker);
  return (
    <>
      <pre class="snippet" data-testid="snippet">{snippet}</pre>
      <button
        type="button"
        onClick$={async () => {
          try {
            await navigator.clipboard.writeText(snippet);
            copied.value = 'Copied to the clipboard.';
          } catch {
            copied.value = 'Copying was refused by the browser: select the text and copy it.';
          }
        }}
      >
        Copy snippet
      </button>{' '}
      <span role="status">{copied.value}</span>
    </>
  );
});
