/**
 * General settings: tracking snippet with an install check, time zone, retention, allowed
 * hostnames, public links (each with a copy button), and for owners deleting the site, behind
 * typing its domain.
 */
import { component$ } from '@builder.io/qwik';
import { ConfirmByDomain } from '../../../../components/settings/confirm-by-domain';
import { Form, routeAction$, routeLoader$, useLocation, z, zod$, type DocumentHead } from '@builder.io/qwik-city';
import { CopyButton } from '../../../../components/settings/copy-button';
import { InstallCheck } from '../../../../components/snippet/install-check';
import { api, messageOf, trackerOrigin } from '../../../../lib/api';
import type { Site } from '../../../../lib/site';
import { isTimeZone } from '../../../../lib/time-zones';
import { TimeZoneInput } from '../../../../components/time-zone/time-zone-input';
import { Snippet } from '../../../../components/snippet/snippet';

interface Share {
  id: string;
  name: string;
  token: string | null;
  /** the link asks for a password before it shows anything */
  password: boolean;
  revoked_at: string | null;
  created_at: string;
}

const path = (site: string) => `/api/v1/sites/${encodeURIComponent(site)}`;

export const useGeneral = routeLoader$(async (ev) => {
  const site = ev.params.site!;
  const tracker = trackerOrigin(ev);
  try {
    // the caller's role from the live list (the site record carries none, the session's may be older)
    const [info, shares, mine] = await Promise.all([api<Site>(ev, path(site)), api<{ shares: Share[] }>(ev, `${path(site)}/shares`), api<{ sites: Site[] }>(ev, '/api/v1/sites')]);
    // Share links are built on the dashboard's origin: that is where /share/:site lives.
    const links = shares.shares.filter((s) => s.token).map((s) => ({ ...s, url: `${ev.url.origin}/share/${encodeURIComponent(site)}/?auth=${s.token}` }));
    const owner = mine.sites.find((s) => s.id === site)?.role === 'owner';
    return { ok: true as const, info, links, tracker, owner };
  } catch (e) {
    return { ok: false as const, error: messageOf(e), tracker };
  }
});

export const useSaveSite = routeAction$(
  async (data, ev) => {
    const hostnames = data.hostnames.split(/[\s,]+/).map((h) => h.trim()).filter(Boolean);
    try {
      await api(ev, path(ev.params.site!), {
        method: 'PATCH',
        body: { timezone: data.timezone, retention_days: data.retention_days, allowed_hostnames: hostnames, public: data.public === 'on' },
      });
      return { saved: true };
    } catch (e) {
      return ev.fail(400, { message: messageOf(e) });
    }
  },
  zod$({
    timezone: z.string().trim().refine(isTimeZone, 'Pick a time zone from the list, such as Europe/Berlin.'),
    retention_days: z.coerce.number().int().min(1).max(3650),
    hostnames: z.string().default(''),
    public: z.string().optional(),
  }),
);

export const useCreateShare = routeAction$(
  async (data, ev) => {
    try {
      await api(ev, `${path(ev.params.site!)}/shares`, { body: { name: data.name || undefined, password: data.password || undefined } });
      return { created: true };
    } catch (e) {
      return ev.fail(400, { message: messageOf(e) });
    }
  },
  // an empty password field means "no password"; the API checks the length of a given one
  zod$({ name: z.string().trim().max(100).optional(), password: z.string().max(200).optional() }),
);

export const useRevokeShare = routeAction$(
  async (data, ev) => {
    try {
      await api(ev, `${path(ev.params.site!)}/shares/${encodeURIComponent(data.id)}`, { method: 'DELETE' });
      return { revoked: true };
    } catch (e) {
      return ev.fail(400, { message: messageOf(e) });
    }
  },
  zod$({ id: z.string().min(1) }),
);

export const useDeleteSite = routeAction$(
  async (data, ev) => {
    const site = ev.params.site!;
    if (data.confirm !== site) return ev.fail(400, { message: `Type the domain, ${site}, to confirm: nothing was deleted.` });
    try {
      await api(ev, path(site), { method: 'DELETE' });
    } catch (e) {
      return ev.fail(400, { message: messageOf(e) });
    }
    throw ev.redirect(303, '/sites/');
  },
  zod$({ confirm: z.string().trim() }),
);

export const useResetStats = routeAction$(
  async (data, ev) => {
    const site = ev.params.site!;
    if (data.confirm !== site) return ev.fail(400, { message: `Type the domain, ${site}, to confirm: no stats were reset.` });
    try {
      await api(ev, `${path(site)}/reset`, { body: { confirm: data.confirm } });
      return { reset: true };
    } catch (e) {
      return ev.fail(400, { message: messageOf(e) });
    }
  },
  zod$({ confirm: z.string().trim() }),
);

export default component$(() => {
  const data = useGeneral();
  const resetStats = useResetStats();
  const save = useSaveSite();
  const createShare = useCreateShare();
  const revokeShare = useRevokeShare();
  const deleteSite = useDeleteSite();
  const loc = useLocation();
  const site = loc.params.site!;
  if (!data.value.ok) return <p class="error card" role="alert">{data.value.error}</p>;
  const info = data.value.info;
  return (
    <>
      <section class="card" id="snippet">
        <h2>Tracking snippet</h2>
        <p class="muted">Paste this into the &lt;head&gt; of every page of {site}.</p>
        <Snippet site={site} tracker={data.value.tracker} />
        <InstallCheck site={site} timezone={info.timezone} />
      </section>

      <section class="card">
        <h2>Site</h2>
        <Form action={save} class="stack">
          <TimeZoneInput label="Time zone" value={info.timezone} />
          <label>
            Keep raw events for (days)
            <input name="retention_days" type="number" min={1} max={3650} value={info.retention_days} required />
          </label>
          <label>
            Allowed hostnames (one per line; empty accepts any; *.example.com for subdomains)
            <textarea name="hostnames" rows={3} value={info.allowed_hostnames.join('\n')} />
          </label>
          <label style="display:flex;gap:0.5rem;align-items:center">
            <input type="checkbox" name="public" checked={info.public} /> Anyone can view the stats without a link (public site)
          </label>
          <div>
            <button type="submit" class="primary" disabled={save.isRunning}>
              Save
            </button>{' '}
            {save.value?.failed && <span class="error" role="alert">{(save.value as { message?: string }).message ?? Object.values(save.value.fieldErrors ?? {}).join(' ')}</span>}
            {save.value && !save.value.failed && <span class="ok" role="status">Saved.</span>}
          </div>
        </Form>
      </section>

      <section class="card">
        <h2>Public links</h2>
        <p class="muted">A link shows this site's dashboard read-only to anyone who has it (and its password, if you set one), until revoked. To change a password, create a new link and revoke the old one.</p>
        {data.value.links.length === 0 && <p class="empty">No public links.</p>}
        <ul class="stack" style="list-style:none;padding:0" data-testid="share-links">
          {data.value.links.map((l) => (
            <li key={l.id}>
              <strong>{l.name}</strong>
              {l.password && (
                <span class="muted" data-testid="share-has-password">
                  {' '}· password protected
                </span>
              )}
              <div class="token">
                <a href={l.url}>{l.url}</a>
              </div>
              <CopyButton text={l.url} label="Copy link" />
              <Form action={revokeShare}>
                <input type="hidden" name="id" value={l.id} />
                <button type="submit" class="danger">
                  Revoke
                </button>
              </Form>
            </li>
          ))}
        </ul>
        <Form action={createShare} class="inline-form" spaReset>
          <label>
            Name
            <input name="name" placeholder="Shared link" />
          </label>
          <label>
            Password (optional)
            <input name="password" type="password" autocomplete="new-password" minLength={4} maxLength={200} placeholder="none" data-testid="share-password" />
          </label>
          <button type="submit">Create public link</button>
        </Form>
        {(createShare.value?.failed || revokeShare.value?.failed) && (
          <p class="error" role="alert">
            {((createShare.value ?? revokeShare.value) as { message?: string }).message}
          </p>
        )}
      </section>

      {data.value.owner && (
        <ConfirmByDomain
          site={site}
          title="Reset stats"
          warning={`Deletes every event and statistic of ${site}, keeping the site, its goals, funnels, segments, members, keys and links. Nothing can bring the stats back.`}
          button="Reset stats"
          zoneTestid="reset-zone"
          formTestid="reset-stats"
          action={resetStats}
          done="Stats reset: the dashboard starts empty from now."
          doneTestid="reset-done"
        />
      )}
      {data.value.owner && (
        <ConfirmByDomain
          site={site}
          title="Delete this site"
          warning={`Deletes ${site} with every event, report, goal, member and link it has. Nothing can bring it back; adding the domain again starts empty.`}
          button="Delete site"
          zoneTestid="danger-zone"
          formTestid="delete-site"
          action={deleteSite}
        />
      )}
    </>
  );
});

export const head: DocumentHead = { title: 'Settings' };
