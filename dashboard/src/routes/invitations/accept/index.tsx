/**
 * `/invitations/accept?token=`: the link an inviter passes on (Settings → Members). A new user
 * picks a password; an existing one confirms theirs. Either way they come out signed in.
 */
import { component$ } from '@builder.io/qwik';
import { Form, routeAction$, useLocation, z, zod$, type DocumentHead } from '@builder.io/qwik-city';
import { api, messageOf, SESSION_COOKIE } from '../../../lib/api';

export const useAccept = routeAction$(
  async (data, ev) => {
    try {
      const session = await api<{ token: string; expires_at: string }>(ev, '/api/v1/invitations/accept', { body: { token: data.token, password: data.password } });
      ev.cookie.set(SESSION_COOKIE, session.token, { path: '/', httpOnly: true, sameSite: 'lax', secure: ev.url.protocol === 'https:', expires: new Date(session.expires_at) });
    } catch (e) {
      return ev.fail(400, { message: messageOf(e) });
    }
    throw ev.redirect(302, '/sites/');
  },
  zod$({ token: z.string().min(1, 'This link has no invitation token.'), password: z.string().min(1, 'Enter a password.') }),
);

export default component$(() => {
  const accept = useAccept();
  const loc = useLocation();
  const failed = accept.value?.failed ? ((accept.value as { message?: string }).message ?? Object.values(accept.value.fieldErrors ?? {}).join(' ')) : null;
  return (
    <section class="auth card">
      <h1>Join a site on Pulse</h1>
      <p class="muted">New to Pulse? Choose a password (at least 10 characters). Already have an account? Enter your password.</p>
      <Form action={accept} class="stack">
        {failed && (
          <p class="error" role="alert">
            {failed}
          </p>
        )}
        <input type="hidden" name="token" value={loc.url.searchParams.get('token') ?? ''} />
        <label>
          Password
          <input name="password" type="password" autoComplete="new-password" required />
        </label>
        <button type="submit" class="primary">
          Accept invitation
        </button>
      </Form>
    </section>
  );
});

export const head: DocumentHead = { title: 'Accept invitation' };
