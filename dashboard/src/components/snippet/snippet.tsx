/** The tracking snippet of a site with a copy button (settings and the new-site onboarding). */
import { component$ } from '@builder.io/qwik';
import { CopyButton } from '../settings/copy-button';

export const trackingSnippet = (site: string, tracker: string) => `<script defer data-domain="${site}" src="${tracker}/js/pulse.js"></script>`;

export const Snippet = component$<{ site: string; tracker: string }>(({ site, tracker }) => {
  const snippet = trackingSnippet(site, tracker);
  return (
    <>
      <pre class="snippet" data-testid="snippet">{snippet}</pre>
      <CopyButton text={snippet} label="Copy snippet" />
    </>
  );
});
