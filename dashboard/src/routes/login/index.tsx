/** Sign-in: the API checks the password; the session JWT becomes our own HttpOnly cookie. */
import { component$ } from '@builder.io/qwik';
import { Form, routeAction$, routeLoader$, useLocation, z, zod$, type DocumentHead } from '@builder.io/qwik-city';
import { api, ApiError, messageOf, SESSION_COOKIE } from '../../lib/api';
import { getMe, safeNext } from '../../lib/session';

export const useAlreadySignedIn = routeLoader$((ev) => {
  if (getMe(ev)) throw ev.redirect(302, safeNext(ev.url.searchParams.get('next')));
  return null;
});

export const useSignIn = routeAction$(
  async (data, ev) => {
    try {
      const session = await api<{ token: string; expires_at: string }>(ev, '/api/v1/auth/sign-in', {
        body: { email: data.email, password: data.password },
        headers: ev.clientConn.ip ? { 'cf-connecting-ip': ev.clientConn.ip } : {},
      });
      ev.cookie.set(SESSION_COOKIE, session.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: ev.url.protocol === 'https:',
        expires: new Date(session.expires_at),
      });
    } catch (e) {
      const message = e instanceof ApiError && e.status === 401 ? 'Wrong email or password.' : messageOf(e);
      return ev.fail(e instanceof ApiError ? e.status : 500, { message });
    }
    throw ev.redirect(302, safeNext(data.next));
  },
  zod$({
    email: z.string().trim().email('Enter an email address.'),
    password: z.string().min(1, 'Enter your password.'),
    next: z.string().optional(),
  }),
);

export default component$(() => {
  useAlreadySignedIn();
  const signIn = useSignIn();
  // zod$ reports one message per field (a string; older versions gave an array)
  const fieldError = (name: string) => {
    const e = (signIn.value?.fieldErrors as Record<string, string | string[] | undefined> | undefined)?.[name];
    return Array.isArray(e) ? e[0] : e;
  };
  const failed = signIn.value?.failed ? (signIn.value as { message?: string }).message : undefined;
  return (
    <section class="auth card">
      <h1>Sign in to Pulse</h1>
      <Form action={signIn} class="stack">
        {failed && (
          <p class="error" role="alert" data-testid="sign-in-error">
            {failed}
          </p>
        )}
        <label>
          Email
          <input name="email" type="email" autoComplete="username" required aria-invalid={!!fieldError('email')} />
        </label>
        {fieldError('email') && <p class="error">{fieldError('email')}</p>}
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required aria-invalid={!!fieldError('password')} />
        </label>
        {fieldError('password') && <p class="error">{fieldError('password')}</p>}
        <NextField />
        <button type="submit" class="primary" disabled={signIn.isRunning}>
          {signIn.isRunning ? 'Signing in…' : 'Sign in'}
        </button>
      </Form>
    </section>
  );
});

const NextField = component$(() => {
  const loc = useLocation();
  return <input type="hidden" name="next" value={loc.url.searchParams.get('next') ?? ''} />;
});

export const head: DocumentHead = { title: 'Sign in' };
