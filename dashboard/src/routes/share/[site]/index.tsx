/**
 * The public, read-only view of a shared site: `/share/:site?auth=<share token>` (the link that
 * Settings → Public link gives out). No sign-in; every query carries the share token. A link with
 * a password answers 401 with the password form until this browser has unlocked it.
 */
import { component$ } from '@builder.io/qwik';
import { Link, routeLoader$, useLocation, type DocumentHead } from '@builder.io/qwik-city';
import { Overview } from '../../../components/overview/overview';
import type { QueryResponse } from '../../../../../contract/api';
import { api, messageOf } from '../../../lib/api';
import { isPasswordRequired, SharePasswordForm } from './layout';

export const useShared = routeLoader$(async (ev) => {
  const token = ev.url.searchParams.get('auth');
  const site = ev.params.site!;
  let today = '';
  if (!token) return { ok: false as const, error: 'This link is incomplete: it has no access token.' };
  try {
    // A share token may read stats and nothing else (not even the site record): a tiny query
    // tells a valid link from a revoked or foreign one before the cards start.
    const res = await api<QueryResponse>(ev, '/api/v2/query', { body: { site_id: site, metrics: ['visitors'], date_range: 'day' }, share: token });
    // the echoed range of "today" starts at the site's midnight: its date is the site's today
    today = String((res.query as { date_range?: string[] } | undefined)?.date_range?.[0] ?? '').slice(0, 10) || new Date().toISOString().slice(0, 10);
  } catch (e) {
    if (isPasswordRequired(e)) {
      ev.status(401);
      return { ok: false as const, locked: true as const };
    }
    return { ok: false as const, error: `This shared dashboard is not available (${messageOf(e)}).` };
  }
  let live: number | null = null;
  try {
    const snap = await api<{ visitors?: number }>(ev, `/api/v1/sites/${encodeURIComponent(site)}/realtime`, { share: token });
    live = typeof snap.visitors === 'number' ? snap.visitors : null;
  } catch {
    live = null; // the live number is optional on a shared view
  }
  return { ok: true as const, token, live, today };
});

export default component$(() => {
  const shared = useShared();
  const loc = useLocation();
  const site = loc.params.site!;
  return (
    <>
      <div class="site-header">
        <h1>{site}</h1>
        <span class="muted">
          Public dashboard · read-only ·{' '}
          {shared.value.ok && <Link prefetch={false} href={`/share/${encodeURIComponent(site)}/realtime/?auth=${encodeURIComponent(shared.value.token)}`}>Realtime</Link>}
        </span>
      </div>
      {shared.value.ok ? (
        <Overview site={site} share={shared.value.token} base={`/share/${encodeURIComponent(site)}`} live={shared.value.live} today={shared.value.today} />
      ) : 'locked' in shared.value ? (
        <SharePasswordForm />
      ) : (
        <p class="error card" role="alert" data-testid="share-error">
          {shared.value.error}
        </p>
      )}
    </>
  );
});

export const head: DocumentHead = ({ params }) => ({ title: `${params.site} (shared)` });
