/**
 * "N current visitors" in the site header, a link to Realtime. It starts from the snapshot the
 * layout's loader read and re-reads it every 30 s while the tab is visible, the same cheap poll
 * as the overview's top stat (a socket per page would cost a token and a connection each).
 */
import { component$, useSignal, useVisibleTask$ } from '@builder.io/qwik';
import { Link } from '@builder.io/qwik-city';
import { currentVisitors } from '../../lib/stats';

export const LiveBadge = component$<{ site: string; href: string; initial: number | null }>(({ site, href, initial }) => {
  const count = useSignal(initial);
  useVisibleTask$(
    ({ cleanup }) => {
      const timer = setInterval(async () => {
        if (document.visibilityState === 'visible') count.value = await currentVisitors(site, null);
      }, 30_000);
      cleanup(() => clearInterval(timer));
    },
    { strategy: 'document-idle' },
  );
  return (
    <Link prefetch={false} href={href} class="live-badge" data-testid="header-live" data-value={count.value ?? ''}>
      <span class="live-dot" aria-hidden="true" />
      {count.value === null ? '— current visitors' : `${count.value} current visitor${count.value === 1 ? '' : 's'}`}
    </Link>
  );
});
