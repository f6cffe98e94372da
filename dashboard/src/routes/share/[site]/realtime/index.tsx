/** `/share/:site/realtime/?auth=`: the live view of a shared site, read-only like the overview. */
import { component$ } from '@builder.io/qwik';
import { Link, routeLoader$, useLocation, type DocumentHead } from '@builder.io/qwik-city';
import { LiveView } from '../../../../components/realtime/live-view';
import { api, messageOf } from '../../../../lib/api';
import type { RealtimeSnapshot } from '../../../../lib/live';
import { isPasswordRequired, SharePasswordForm } from '../layout';

export const useSharedSnapshot = routeLoader$(async (ev) => {
  const token = ev.url.searchParams.get('auth');
  if (!token) return { ok: false as const, error: 'This link is incomplete: it has no access token.' };
  try {
    const snap = await api<RealtimeSnapshot>(ev, `/api/v1/sites/${encodeURIComponent(ev.params.site!)}/realtime`, { share: token });
    return { ok: true as const, snap, token };
  } catch (e) {
    if (isPasswordRequired(e)) {
      ev.status(401);
      return { ok: false as const, locked: true as const };
    }
    return { ok: false as const, error: `This shared dashboard is not available (${messageOf(e)}).` };
  }
});

export default component$(() => {
  const data = useSharedSnapshot();
  const loc = useLocation();
  const site = loc.params.site!;
  return (
    <>
      <div class="site-header">
        <h1>{site}</h1>
        <Link prefetch={false} href={`/share/${encodeURIComponent(site)}/?auth=${encodeURIComponent(loc.url.searchParams.get('auth') ?? '')}`}>← Overview</Link>
      </div>
      {data.value.ok ? (
        <LiveView site={site} share={data.value.token} snapshot={data.value.snap} />
      ) : 'locked' in data.value ? (
        <SharePasswordForm />
      ) : (
        <p class="error card" role="alert" data-testid="share-error">
          {data.value.error}
        </p>
      )}
    </>
  );
});

export const head: DocumentHead = ({ params }) => ({ title: `${params.site} · realtime (shared)` });
