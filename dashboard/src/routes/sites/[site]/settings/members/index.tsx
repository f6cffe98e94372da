/**
 * Members and roles (owner, admin, viewer) and invitations by link (Pulse sends no mail). The
 * link is built here, on the dashboard's origin: the API's `url` points at the API's own origin,
 * which has no accept page.
 */
import { component$ } from '@builder.io/qwik';
import { Form, routeAction$, routeLoader$, z, zod$, type DocumentHead } from '@builder.io/qwik-city';
import { api, messageOf } from '../../../../../lib/api';
import { getMe } from '../../../../../lib/session';
import { orFail } from '../../../../../components/settings/or-fail';
import { RowButton } from '../../../../../components/settings/row-button';
import { Problem } from '../../../../../components/automation/problem';

interface Member {
  user_id: string;
  email: string;
  role: 'owner' | 'admin' | 'viewer';
}

interface Invitation {
  id: string;
  email: string;
  role: Member['role'];
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
}

const path = (site: string) => `/api/v1/sites/${encodeURIComponent(site)}`;

/** The page on this dashboard that accepts an invitation token. */
export const acceptUrl = (origin: string, token: string) => `${origin}/invitations/accept/?token=${encodeURIComponent(token)}`;
const ROLE = z.enum(['owner', 'admin', 'viewer']);

export const useMembers = routeLoader$(async (ev) => {
  try {
    const [{ members }, { invitations }] = await Promise.all([
      api<{ members: Member[] }>(ev, `${path(ev.params.site!)}/members`),
      api<{ invitations: Invitation[] }>(ev, `${path(ev.params.site!)}/invitations`),
    ]);
    // accepted and expired invitations are history, not something to act on
    const pending = invitations.filter((i) => i.accepted_at === null && i.expires_at > Date.now());
    return { ok: true as const, members, pending, me: getMe(ev)?.user.id ?? null };
  } catch (e) {
    return { ok: false as const, error: messageOf(e) };
  }
});

export const useChangeRole = routeAction$(
  (data, ev) => orFail(ev, async () => {
    if (data.intent === 'remove') await api(ev, `${path(ev.params.site!)}/members/${encodeURIComponent(data.user)}`, { method: 'DELETE' });
    else await api(ev, `${path(ev.params.site!)}/members/${encodeURIComponent(data.user)}`, { method: 'PATCH', body: { role: data.role } });
    return { ok: true };
  }),
  zod$({ user: z.string().min(1), role: ROLE.optional(), intent: z.enum(['role', 'remove']) }),
);

export const useInvite = routeAction$(
  (data, ev) => orFail(ev, async () => {
    const inv = await api<{ token: string; email: string }>(ev, `${path(ev.params.site!)}/invitations`, { body: { email: data.email, role: data.role } });
    return { url: acceptUrl(ev.url.origin, inv.token), email: inv.email };
  }),
  zod$({ email: z.string().trim().email('Enter an email address.'), role: ROLE }),
);

export const useRevokeInvitation = routeAction$(
  (data, ev) => orFail(ev, async () => {
    await api(ev, `${path(ev.params.site!)}/invitations/${encodeURIComponent(data.id)}`, { method: 'DELETE' });
    return { ok: true };
  }),
  zod$({ id: z.string().min(1) }),
);

export default component$(() => {
  const data = useMembers();
  const change = useChangeRole();
  const invite = useInvite();
  const revoke = useRevokeInvitation();
  if (!data.value.ok) return <p class="error card" role="alert">{data.value.error}</p>;
  const invited = invite.value && !invite.value.failed ? (invite.value as { url: string; email: string }) : null;
  const failed = [change.value, invite.value, revoke.value].find((v) => v?.failed);
  return (
    <>
      <section class="card">
        <h2>Members</h2>
        <Problem of={failed} />
        <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.value.members.map((m) => (
              <tr key={m.user_id}>
                <td class="wrap">
                  {m.email}
                  {m.user_id === data.value.me ? <span class="muted"> (you)</span> : ''}
                </td>
                <td>
                  <Form action={change} class="inline-form">
                    <input type="hidden" name="user" value={m.user_id} />
                    <input type="hidden" name="intent" value="role" />
                    <select name="role" aria-label={`Role of ${m.email}`} value={m.role}>
                      <option value="owner">owner</option>
                      <option value="admin">admin</option>
                      <option value="viewer">viewer</option>
                    </select>
                    <button type="submit">Change</button>
                  </Form>
                </td>
                <td>
                  <Form action={change}>
                    <input type="hidden" name="user" value={m.user_id} />
                    <input type="hidden" name="intent" value="remove" />
                    <button type="submit" class="danger" aria-label={`Remove ${m.email}`}>
                      Remove
                    </button>
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      </section>
      <section class="card">
        <h2>Invite someone</h2>
        <Form action={invite} class="inline-form" spaReset>
          <label>
            Email
            <input name="email" type="email" required />
          </label>
          <label>
            Role
            <select name="role">
              <option value="viewer">viewer</option>
              <option value="admin">admin</option>
              <option value="owner">owner</option>
            </select>
          </label>
          <button type="submit" class="primary">
            Create invitation
          </button>
        </Form>
        {/* keyed by the link: without it Qwik patched the href of a second invitation but kept
            the first one's text */}
        {invited && (
          <p role="status" key={invited.url}>
            Send this link to {invited.email} (valid 7 days):{' '}
            <a class="token" href={invited.url} data-testid="invitation-link">
              {invited.url}
            </a>
          </p>
        )}
      </section>
      <section class="card">
        <h2>Pending invitations</h2>
        {data.value.pending.length === 0 ? (
          <p class="muted">No invitation is waiting to be accepted.</p>
        ) : (
          <div class="table-scroll">
            <table data-testid="invitations">
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Expires</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.value.pending.map((i) => (
                  <tr key={i.id} data-email={i.email}>
                    <td class="wrap">{i.email}</td>
                    <td>{i.role}</td>
                    <td>
                      <time dateTime={new Date(i.expires_at).toISOString()}>{new Date(i.expires_at).toISOString().slice(0, 10)}</time>
                    </td>
                    <td>
                      <RowButton action={revoke} id={i.id} label="Revoke" danger aria={`Revoke the invitation of ${i.email}`} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
});

export const head: DocumentHead = { title: 'Members' };
