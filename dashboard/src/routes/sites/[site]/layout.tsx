/** A site's pages: its header (name, site switcher, report tabs) and the site record for loaders. */
import { component$, Slot } from '@builder.io/qwik';
import { Link, routeLoader$, useLocation } from '@builder.io/qwik-city';
import { api, ApiError, messageOf } from '../../../lib/api';
import { getMe } from '../../../lib/session';
import type { Site } from '../../../lib/site';
import { viewSearch } from '../../../lib/view';
import { LiveBadge } from '../../../components/live-badge/live-badge';

export const useSite = routeLoader$(async (ev) => {
  const id = ev.params.site!;
  try {
    return { site: await api<Site>(ev, `/api/v1/sites/${encodeURIComponent(id)}`), error: null };
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 403)) {
      // Same answer for "missing" and "not yours": the status would tell which sites exist.
      return { site: null, error: `No site ${id} that you can see.` };
    }
    return { site: null, error: messageOf(e) };
  }
});

/**
 * The site's realtime snapshot, read once per page: the header's live count, and on the overview
 * the live top stat and whether the site has seen any event yet.
 */
export const useLiveSnapshot = routeLoader$(async (ev) => {
  try {
    const snap = await api<{ visitors?: number; events?: number }>(ev, `/api/v1/sites/${encodeURIComponent(ev.params.site!)}/realtime`);
    return { visitors: typeof snap.visitors === 'number' ? snap.visitors : null, recent: snap.events ?? 0 };
  } catch {
    return { visitors: null, recent: null }; // the SiteDO is unreachable: the count shows a dash
  }
});

/** The user's sites and roles (the site record itself carries no role). */
export const useMySites = routeLoader$((ev) => getMe(ev)?.sites ?? []);

export default component$(() => {
  const data = useSite();
  const mine = useMySites();
  const live = useLiveSnapshot();
  const loc = useLocation();
  const id = loc.params.site!;
  const base = `/sites/${encodeURIComponent(id)}`;
  const search = viewSearch(loc.url);
  const role = mine.value.find((s) => s.site === id)?.role ?? 'viewer';
  const path = loc.url.pathname;
  const tabs = [
    { href: `${base}/`, label: 'Overview', current: path === `${base}/` || path.startsWith(`${base}/details`) },
    { href: `${base}/realtime/`, label: 'Realtime', current: path.startsWith(`${base}/realtime`) },
    { href: `${base}/funnels/`, label: 'Funnels', current: path.startsWith(`${base}/funnels`) },
    { href: `${base}/journeys/`, label: 'Journeys', current: path.startsWith(`${base}/journeys`) },
    { href: `${base}/retention/`, label: 'Retention', current: path.startsWith(`${base}/retention`) },
    { href: `${base}/performance/`, label: 'Performance', current: path.startsWith(`${base}/performance`) },
    { href: `${base}/errors/`, label: 'Errors', current: path.startsWith(`${base}/errors`) },
    ...(role !== 'viewer' ? [{ href: `${base}/settings/`, label: 'Settings', current: path.startsWith(`${base}/settings`) }] : []),
  ];
  if (!data.value.site) {
    return (
      <section class="card">
        <h1>{id}</h1>
        <p class="error" role="alert">
          {data.value.error}
        </p>
        <Link prefetch={false} href="/sites/">Back to your sites</Link>
      </section>
    );
  }
  return (
    <>
      <div class="site-header">
        <details class="switcher">
          <summary>
            <h1 style="display:inline">{id}</h1>
            <span class="visually-hidden"> (switch site)</span>
          </summary>
          <ul>
            {mine.value.map(({ site: s }) => (
              <li key={s}>
                <Link prefetch={false} href={`/sites/${encodeURIComponent(s)}/${search}`} aria-current={s === id ? 'page' : 'false'}>
                  {s}
                </Link>
              </li>
            ))}
          </ul>
        </details>
        <LiveBadge site={id} href={`${base}/realtime/${search}`} initial={live.value.visitors} />
        <nav class="tabs-nav" aria-label="Reports">
          {/* a list that other reports extend; aria-current 'false' rather than omitted (see controls.tsx) */}
          {tabs.map((t) => (
            <Link prefetch={false} key={t.href} href={t.href + (t.label === 'Settings' ? '' : search)} aria-current={t.current ? 'page' : 'false'}>
              {t.label}
            </Link>
          ))}
        </nav>
      </div>
      <Slot />
    </>
  );
});
