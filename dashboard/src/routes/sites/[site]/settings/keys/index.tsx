/** API keys of this site: create (the token is shown once, right here) and revoke. */
import { component$ } from '@builder.io/qwik';
import { Form, routeAction$, routeLoader$, z, zod$, type DocumentHead } from '@builder.io/qwik-city';
import { api, messageOf } from '../../../../../lib/api';
import { CopyButton } from '../../../../../components/snippet/copy-button';

interface Key {
  id: string;
  name: string;
  sites: string[];
  scope: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

export const useKeys = routeLoader$(async (ev) => {
  try {
    return { ok: true as const, keys: (await api<{ keys: Key[] }>(ev, `/api/v1/keys?site=${encodeURIComponent(ev.params.site!)}`)).keys };
  } catch (e) {
    return { ok: false as const, error: messageOf(e) };
  }
});

export const useCreateKey = routeAction$(
  async (data, ev) => {
    try {
      const key = await api<Key & { token: string }>(ev, '/api/v1/keys', {
        body: { name: data.name || undefined, sites: [ev.params.site!], scope: data.scope, expires_in_days: data.expires_in_days },
      });
      // Returned to this one response only: the API cannot show the token again.
      return { id: key.id, name: key.name, token: key.token };
    } catch (e) {
      return ev.fail(400, { message: messageOf(e) });
    }
  },
  zod$({
    name: z.string().trim().max(100).optional(),
    scope: z.enum(['stats:read', 'events:write', 'sites:admin']),
    expires_in_days: z.coerce.number().int().min(1).max(730).default(90),
  }),
);

export const useRevokeKey = routeAction$(
  async (data, ev) => {
    try {
      await api(ev, `/api/v1/keys/${encodeURIComponent(data.id)}`, { method: 'DELETE' });
      return { revoked: data.id };
    } catch (e) {
      return ev.fail(400, { message: messageOf(e) });
    }
  },
  zod$({ id: z.string().min(1) }),
);

export default component$(() => {
  const keys = useKeys();
  const create = useCreateKey();
  const revoke = useRevokeKey();
  const created = create.value && !create.value.failed ? (create.value as { id: string; name: string; token: string }) : null;
  return (
    <>
      <section class="card">
        <h2>New API key</h2>
        <Form action={create} class="inline-form" spaReset>
          <label>
            Name
            <input name="name" placeholder="e.g. reporting script" />
          </label>
          <label>
            Scope
            <select name="scope">
              <option value="stats:read">stats:read (Stats API)</option>
              <option value="events:write">events:write (server-side events)</option>
              <option value="sites:admin">sites:admin (manage the site)</option>
            </select>
          </label>
          <label>
            Expires in (days)
            <input name="expires_in_days" type="number" min={1} max={730} value={90} />
          </label>
          <button type="submit" class="primary" disabled={create.isRunning} data-testid="create-key">
            Create key
          </button>
        </Form>
        {create.value?.failed && <p class="error" role="alert">{(create.value as { message?: string }).message ?? 'Check the form.'}</p>}
        {created && (
          <div role="status" class="stack" data-testid="new-key">
            <p>
              <strong>{created.name}</strong>: copy this token now. It is shown only once.
            </p>
            <p class="token" data-testid="new-key-token">
              {created.token}
            </p>
          </div>
        )}
        {created && <CopyButton text={created.token} label="Copy token" />}
      </section>
      <section class="card">
        <h2>Keys for this site</h2>
        {!keys.value.ok && <p class="error" role="alert">{keys.value.error}</p>}
        {revoke.value?.failed && <p class="error" role="alert">{(revoke.value as { message?: string }).message}</p>}
        {keys.value.ok && keys.value.keys.length === 0 && <p class="empty">No API keys yet.</p>}
        {keys.value.ok && keys.value.keys.length > 0 && (
          <div class="table-scroll">
          <table data-testid="keys">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Scope</th>
                <th scope="col">Expires</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {keys.value.keys.map((k) => (
                <tr key={k.id} data-key={k.id}>
                  <td class="wrap">{k.name}</td>
                  <td>{k.scope}</td>
                  <td>{k.expires_at.slice(0, 10)}</td>
                  <td>
                    {k.revoked_at ? (
                      <span class="muted" data-status="revoked">
                        Revoked {k.revoked_at.slice(0, 10)}
                      </span>
                    ) : (
                      <Form action={revoke}>
                        <input type="hidden" name="id" value={k.id} />
                        <button type="submit" class="danger" aria-label={`Revoke ${k.name}`}>
                          Revoke
                        </button>
                      </Form>
                    )}
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

export const head: DocumentHead = { title: 'API keys' };
