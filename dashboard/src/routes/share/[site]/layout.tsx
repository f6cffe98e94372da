/**
 * Shared by every `/share/:site` page: the password form of a protected link and the action behind
 * it. The action posts the password with the link's token to the Worker, keeps the short-lived
 * token it returns in an HttpOnly cookie named after the link (`lib/share-cookie.ts`), and reloads
 * the page, whose calls then carry that token.
 */
import { component$, Slot } from '@builder.io/qwik';
import { Form, routeAction$, z, zod$ } from '@builder.io/qwik-city';
import { api, ApiError, messageOf } from '../../../lib/api';
import { shareCookieName } from '../../../lib/share-cookie';

export const useUnlockShare = routeAction$(
  async (data, ev) => {
    const token = ev.url.searchParams.get('auth') ?? '';
    const name = shareCookieName(token);
    if (!name) return ev.fail(400, { message: 'This link is incomplete: it has no valid access token.' });
    try {
      const unlocked = await api<{ token: string; expires_at: string }>(ev, '/api/v1/shares/unlock', {
        body: { password: data.password },
        // the link's own token, never a stale unlocked one: unlocking starts from the link
        headers: { authorization: `Bearer ${token}`, ...(ev.clientConn.ip ? { 'cf-connecting-ip': ev.clientConn.ip } : {}) },
      });
      ev.cookie.set(name, unlocked.token, { path: '/', httpOnly: true, sameSite: 'lax', secure: ev.url.protocol === 'https:', expires: new Date(unlocked.expires_at) });
    } catch (e) {
      const wrong = e instanceof ApiError && e.code === 'wrong_password';
      return ev.fail(e instanceof ApiError ? e.status : 500, { message: wrong ? 'Wrong password.' : messageOf(e) });
    }
    throw ev.redirect(303, ev.url.pathname + ev.url.search);
  },
  zod$({ password: z.string().min(1, 'Enter the password.').max(200) }),
);

/** What a page's loader reports when the Worker asks for the link's password. */
export const isPasswordRequired = (e: unknown): boolean => e instanceof ApiError && e.code === 'password_required';

/** The form a protected link shows instead of the dashboard (the page answers 401). */
export const SharePasswordForm = component$(() => {
  const unlock = useUnlockShare();
  const failed = unlock.value?.failed ? ((unlock.value as { message?: string; fieldErrors?: { password?: string } }).message ?? unlock.value.fieldErrors?.password) : null;
  return (
    <section class="card" data-testid="share-password-form">
      <h2>This dashboard is password protected</h2>
      <p class="muted">Enter the password you were given with the link.</p>
      <Form action={unlock} class="inline-form">
        <label>
          Password
          <input name="password" type="password" autocomplete="current-password" required autofocus data-testid="share-password-input" />
        </label>
        <button type="submit">Open dashboard</button>
      </Form>
      {failed && (
        <p class="error" role="alert" data-testid="share-password-error">
          {failed}
        </p>
      )}
    </section>
  );
});

export default component$(() => <Slot />);
