/**
 * Shell of every page and the auth gate: `onRequest` checks the session with the API once per
 * request and sends anyone without a valid one to /login (except the sign-in page and share links).
 */
import { component$, Slot } from '@builder.io/qwik';
import { Form, Link, routeAction$, routeLoader$, type RequestHandler } from '@builder.io/qwik-city';
import { api, ApiError, apiFetch, messageOf, SESSION_COOKIE } from '../lib/api';
import { getMe, isPublicPath, setMe, type Me } from '../lib/session';

export const onRequest: RequestHandler = async (ev) => {
  // Every page shows live or per-user data: never cache a rendered page anywhere.
  ev.cacheControl({ noStore: true, private: true });
  const path = ev.url.pathname;
  if (path.startsWith('/build/') || path.startsWith('/assets/') || path === '/favicon.ico') return;
  // server$ calls (a card refetching) carry the cookie to the API, which checks it on every call:
  // asking /auth/me first would double the requests behind each card.
  if (ev.method === 'POST' && ev.url.searchParams.has('qfunc')) return;
  const hasSession = !!ev.cookie.get(SESSION_COOKIE)?.value;
  let me: Me | null = null;
  if (hasSession) {
    try {
      const who = await api<Me & { kind: string }>(ev, '/api/v1/auth/me');
      if (who.kind === 'user') me = { user: who.user, sites: who.sites, operator: who.operator === true };
    } catch (e) {
      // An ended session (expired, signed out elsewhere, password changed) is a normal sign-in;
      // anything else (API down) is shown as a message, not turned into a redirect loop.
      if (!(e instanceof ApiError && e.status === 401)) {
        ev.sharedMap.set(DOWN, messageOf(e));
        setMe(ev, null);
        return;
      }
      ev.cookie.delete(SESSION_COOKIE, { path: '/' });
    }
  }
  setMe(ev, me);
  if (!me && !isPublicPath(path)) {
    // SPA navigations fetch `<page>/q-data.json`: come back to the page itself after signing in
    const page = path.replace(/q-data\.json$/, '');
    throw ev.redirect(302, `/login/?next=${encodeURIComponent(page + ev.url.search)}`);
  }
};

const DOWN = 'pulse.api-down';

export const useMe = routeLoader$((ev) => getMe(ev));
export const useApiDown = routeLoader$((ev) => (ev.sharedMap.get(DOWN) as string | undefined) ?? null);

export const useSignOut = routeAction$(async (_data, ev) => {
  // Revoke the session server-side too: a copied cookie must stop working, not just this browser's.
  await apiFetch(ev, '/api/v1/auth/sign-out', { method: 'POST' }).catch(() => null);
  ev.cookie.delete(SESSION_COOKIE, { path: '/' });
  throw ev.redirect(302, '/login/');
});

export default component$(() => {
  const me = useMe();
  const signOut = useSignOut();
  const down = useApiDown();
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <Link prefetch={false} href={me.value ? '/sites/' : '/login/'} class="brand" aria-label="Pulse home">
          <svg viewBox="0 0 16 16" width="20" height="20" aria-hidden="true">
            <path d="M1 9h3l2-6 4 10 2-4h3" fill="none" stroke="currentColor" stroke-width="2" />
          </svg>
          Pulse
        </Link>
        {me.value && (
          <nav class="account" aria-label="Account">
            <Link prefetch={false} href="/sites/">Sites</Link>
            {me.value.operator && (
              <Link prefetch={false} href="/operations/" data-testid="operations-link">
                Operations
              </Link>
            )}
            <span class="muted who" data-testid="who">
              {me.value.user.email}
            </span>
            <Form action={signOut}>
              <button type="submit" class="link-button" data-testid="sign-out">
                Sign out
              </button>
            </Form>
          </nav>
        )}
      </header>
      <main id="main">
        {down.value ? (
          <section class="card" role="alert">
            <h1>Pulse is unreachable right now</h1>
            <p class="error">{down.value}</p>
            <p>Your data is safe; reload this page in a moment.</p>
          </section>
        ) : (
          <Slot />
        )}
      </main>
    </>
  );
});
