/**
 * Issue 13, "revocations that don't revoke": removing a member, or revoking a key or share link,
 * ends everything the credential let in: open live sockets, live tokens minted before, invitations
 * it created and keys the removed member made.
 */
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { adminToken, call, makeKey, makeSite, makeUserSession, ok, ORIGIN } from '../../test/helpers/api';
import { connect, liveToken, postEvent, pushedPaths, waitFor, type Viewer } from '../../test/helpers/realtime';
import { REVOKED_CLOSE_CODE } from '../../durable-objects/site-do/realtime/live-socket';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A connected viewer that also records how its socket was closed. */
async function watch(site: string, query: string, headers: Record<string, string> = {}) {
  const viewer = await connect(site, query, headers);
  const closed: { code: number | null } = { code: null };
  viewer.ws.addEventListener('close', (event) => {
    closed.code = event.code;
  });
  await waitFor(() => viewer.messages[0]?.type === 'snapshot');
  return { viewer, closed };
}

/** Posts an event and gives the stream time to push it (it pushes within a second). */
async function eventThenWait(site: string, path: string): Promise<void> {
  expect((await postEvent(site, '192.0.2.77', path)).status).toBe(202);
  await new Promise((r) => setTimeout(r, 600));
}

const seen = (viewer: Viewer, path: string) => pushedPaths(viewer).includes(path);

describe('revocation reaches live sockets', () => {
  it("closes a removed member's socket at once; the stream stays open for everyone else", async () => {
    const site = await makeSite();
    const owner = await makeUserSession(site, 'owner');
    const member = await makeUserSession(site, 'viewer');
    const removed = await watch(site, `?token=${await liveToken(site, bearer(member.token))}`);
    const other = await watch(site, `?token=${await liveToken(site, bearer(owner.token))}`);

    expect((await call(`/api/v1/sites/${site}/members/${member.id}`, { method: 'DELETE', token: owner.token })).status).toBe(204);
    await waitFor(() => removed.closed.code !== null, 5000);
    await eventThenWait(site, '/after-removal');
    expect(seen(removed.viewer, '/after-removal')).toBe(false);
    expect(removed.closed.code).toBe(REVOKED_CLOSE_CODE);
    await waitFor(() => seen(other.viewer, '/after-removal'), 5000);
    other.viewer.ws.close(1000, 'done');
  });

  it('a live token minted before the removal no longer opens a socket', async () => {
    const site = await makeSite();
    const owner = await makeUserSession(site, 'owner');
    const member = await makeUserSession(site, 'viewer');
    const token = await liveToken(site, bearer(member.token));
    await ok(call(`/api/v1/sites/${site}/members/${member.id}`, { method: 'DELETE', token: owner.token }), 204);
    const res = await SELF.fetch(`${ORIGIN}/api/v1/sites/${site}/live?token=${token}`, { headers: { upgrade: 'websocket' } });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: 'not a member of this site', code: 'forbidden' });
  });

  it("closes a revoked key's socket, and its earlier live token is refused", async () => {
    const site = await makeSite();
    const key = await makeKey([site], 'stats:read');
    const live = await watch(site, '', bearer(key.token));
    const token = await liveToken(site, bearer(key.token));
    await ok(call(`/api/v1/keys/${key.id}`, { method: 'DELETE', token: adminToken() }));
    await waitFor(() => live.closed.code !== null, 5000);
    await eventThenWait(site, '/after-key-revoked');
    expect(seen(live.viewer, '/after-key-revoked')).toBe(false);
    expect(live.closed.code).toBe(REVOKED_CLOSE_CODE);
    const res = await SELF.fetch(`${ORIGIN}/api/v1/sites/${site}/live?token=${token}`, { headers: { upgrade: 'websocket' } });
    expect(res.status).toBe(401);
  });

  it("closes a revoked share link's socket", async () => {
    const site = await makeSite();
    const share = await ok<{ id: string; token: string }>(call(`/api/v1/sites/${site}/shares`, { token: adminToken(), body: {} }), 201);
    const live = await watch(site, `?auth=${share.token}`);
    await ok(call(`/api/v1/sites/${site}/shares/${share.id}`, { method: 'DELETE', token: adminToken() }), 204);
    await waitFor(() => live.closed.code !== null, 5000);
    await eventThenWait(site, '/after-share-revoked');
    expect(seen(live.viewer, '/after-share-revoked')).toBe(false);
    expect(live.closed.code).toBe(REVOKED_CLOSE_CODE);
  });
});

describe('invitations are only as good as whoever created them', () => {
  it('an admin invitation made by a sites:admin key dies with the key', async () => {
    const site = await makeSite();
    const key = await makeKey([site], 'sites:admin');
    const invitation = await ok<{ token: string }>(call(`/api/v1/sites/${site}/invitations`, { token: key.token, body: { email: `late-${site}@x.example`, role: 'admin' } }), 201);
    await ok(call(`/api/v1/keys/${key.id}`, { method: 'DELETE', token: adminToken() }));
    const res = await call('/api/v1/invitations/accept', { body: { token: invitation.token, password: 'a long enough password' } });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'invitation_revoked' });
    expect((await call(`/api/v1/sites/${site}/members`, { token: adminToken() }).then((r) => r.json<{ members: unknown[] }>())).members).toHaveLength(0);
  });

  it('an invitation made by an admin who was removed since is refused; one from a live key works', async () => {
    const site = await makeSite();
    const owner = await makeUserSession(site, 'owner');
    const admin = await makeUserSession(site, 'admin');
    const stale = await ok<{ token: string }>(call(`/api/v1/sites/${site}/invitations`, { token: admin.token, body: { email: `a-${site}@x.example`, role: 'viewer' } }), 201);
    await ok(call(`/api/v1/sites/${site}/members/${admin.id}`, { method: 'DELETE', token: owner.token }), 204);
    expect((await call('/api/v1/invitations/accept', { body: { token: stale.token, password: 'a long enough password' } })).status).toBe(403);

    const key = await makeKey([site], 'sites:admin');
    const fresh = await ok<{ token: string }>(call(`/api/v1/sites/${site}/invitations`, { token: key.token, body: { email: `b-${site}@x.example`, role: 'admin' } }), 201);
    await ok(call('/api/v1/invitations/accept', { body: { token: fresh.token, password: 'a long enough password' } }));
  });
});

describe("a removed member's keys", () => {
  it('stop working when the member who made them is removed or made a viewer', async () => {
    const site = await makeSite();
    const other = await makeSite();
    const owner = await makeUserSession(site, 'owner');
    const admin = await makeUserSession(site, 'admin');
    const demoted = await makeUserSession(site, 'admin');
    const made = await ok<{ token: string }>(call('/api/v1/keys', { token: admin.token, body: { sites: [site], scope: 'stats:read' } }), 201);
    const byDemoted = await ok<{ token: string }>(call('/api/v1/keys', { token: demoted.token, body: { sites: [site], scope: 'stats:read sites:admin' } }), 201);
    const ownersKey = await ok<{ token: string }>(call('/api/v1/keys', { token: owner.token, body: { sites: [site], scope: 'stats:read' } }), 201);
    const realtime = (token: string, s = site) => call(`/api/v1/sites/${s}/realtime`, { token });
    expect((await realtime(made.token)).status).toBe(200);

    await ok(call(`/api/v1/sites/${site}/members/${admin.id}`, { method: 'DELETE', token: owner.token }), 204);
    await ok(call(`/api/v1/sites/${site}/members/${demoted.id}`, { method: 'PATCH', token: owner.token, body: { role: 'viewer' } }));
    expect((await realtime(made.token)).status).toBe(401);
    expect((await realtime(byDemoted.token)).status).toBe(401);
    // Keys of members who stay, and the site's other sites, are untouched.
    expect((await realtime(ownersKey.token)).status).toBe(200);
    expect((await realtime(adminToken(), other)).status).toBe(200);
    const listed = await ok<{ keys: { revoked_at: string | null }[] }>(call(`/api/v1/keys?site=${site}`, { token: adminToken() }));
    expect(listed.keys.filter((k) => k.revoked_at !== null)).toHaveLength(2);
  });
});
