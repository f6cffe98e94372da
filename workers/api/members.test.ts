import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { requireAuth } from '../auth/access';
import { adminToken, call, makeSite, makeUser, makeUserSession, ok, ORIGIN, signIn } from '../../test/helpers/api';

describe('members and invitations', () => {
  it('invites a new user by token; the link works once', async () => {
    const site = await makeSite();
    const owner = await makeUserSession(site, 'owner');
    const invitation = await ok<{ token: string; url: string }>(call(`/api/v1/sites/${site}/invitations`, { token: owner.token, body: { email: 'New.Person@Example.com', role: 'admin' } }), 201);
    expect(invitation.url).toBe(`${ORIGIN}/invitations/accept?token=${invitation.token}`);
    const stored = await env.DB.prepare('SELECT token_hash FROM invitations WHERE site_id = ?').bind(site).first<{ token_hash: string }>();
    expect(stored!.token_hash).not.toContain(invitation.token); // only the hash is kept

    expect((await call('/api/v1/invitations/accept', { body: { token: invitation.token, password: 'short' } })).status).toBe(400);
    const session = await ok<{ token: string; user: { email: string } }>(call('/api/v1/invitations/accept', { body: { token: invitation.token, password: 'a long enough password' } }));
    expect(session.user.email).toBe('new.person@example.com');
    expect((await call(`/api/v1/sites/${site}/members`, { token: session.token })).status).toBe(200); // admin now
    expect((await call('/api/v1/invitations/accept', { body: { token: invitation.token, password: 'a long enough password' } })).status).toBe(404);
    await signIn('new.person@example.com', 'a long enough password');
  });

  it('an existing user proves the account with its password; an invitation never lowers a role', async () => {
    const site = await makeSite();
    const user = await makeUser(site, 'admin');
    const invitation = await ok<{ token: string }>(call(`/api/v1/sites/${site}/invitations`, { token: adminToken(), body: { email: user.email, role: 'viewer' } }), 201);
    expect((await call('/api/v1/invitations/accept', { body: { token: invitation.token, password: 'wrong password!' } })).status).toBe(401);
    await ok(call('/api/v1/invitations/accept', { body: { token: invitation.token, password: user.password } }));
    const role = await env.DB.prepare('SELECT role FROM memberships WHERE site_id = ? AND user_id = ?').bind(site, user.id).first('role');
    expect(role).toBe('admin');
  });

  it('only owners grant the owner role, and the last owner stays', async () => {
    const site = await makeSite();
    const owner = await makeUserSession(site, 'owner');
    const admin = await makeUserSession(site, 'admin');
    const viewer = await makeUser(site, 'viewer');
    expect((await call(`/api/v1/sites/${site}/members/${viewer.id}`, { method: 'PATCH', token: admin.token, body: { role: 'owner' } })).status).toBe(403);
    expect((await call(`/api/v1/sites/${site}/invitations`, { token: admin.token, body: { email: 'x@y.example', role: 'owner' } })).status).toBe(403);
    expect((await call(`/api/v1/sites/${site}/members/${owner.id}`, { method: 'DELETE', token: admin.token })).status).toBe(403);
    expect((await call(`/api/v1/sites/${site}/members/${owner.id}`, { method: 'PATCH', token: owner.token, body: { role: 'admin' } })).status).toBe(409);
    expect((await call(`/api/v1/sites/${site}/members/${owner.id}`, { method: 'DELETE', token: owner.token })).status).toBe(409);
    await ok(call(`/api/v1/sites/${site}/members/${viewer.id}`, { method: 'PATCH', token: owner.token, body: { role: 'owner' } }));
    expect((await call(`/api/v1/sites/${site}/members/${owner.id}`, { method: 'DELETE', token: owner.token })).status).toBe(204);
  });

  it('a viewer may leave a site', async () => {
    const site = await makeSite();
    const viewer = await makeUserSession(site, 'viewer');
    expect((await call(`/api/v1/sites/${site}/members/${viewer.id}`, { method: 'DELETE', token: viewer.token })).status).toBe(204);
    expect((await call(`/api/v1/sites/${site}`, { token: viewer.token })).status).toBe(403);
  });

  it('the admin token creates accounts with a generated password, printed once', async () => {
    const site = await makeSite();
    const created = await ok<{ password: string; user_id: string }>(call(`/api/v1/sites/${site}/members`, { token: adminToken(), body: { email: 'gen@x.example', role: 'owner' } }), 201);
    expect(created.password).toMatch(/^[\w-]{24}$/);
    await signIn('gen@x.example', created.password);
    const row = await env.DB.prepare('SELECT password_hash, password_salt, password_iterations FROM users WHERE id = ?').bind(created.user_id).first<Record<string, unknown>>();
    expect(row).toMatchObject({ password_iterations: 100_000 });
    expect(String(row!.password_hash)).not.toContain(created.password);
    // A site owner cannot create accounts: they invite.
    const owner = await makeUserSession(site, 'owner');
    expect((await call(`/api/v1/sites/${site}/members`, { token: owner.token, body: { email: 'nobody-yet@x.example', role: 'viewer' } })).status).toBe(404);
  });

  it('whoami describes each kind of caller', async () => {
    const site = await makeSite();
    const viewer = await makeUserSession(site, 'viewer');
    expect(await ok(call('/api/v1/auth/me', { token: viewer.token }))).toEqual({ kind: 'user', user: { id: viewer.id, email: viewer.email }, sites: [{ site, role: 'viewer' }], operator: false });
    expect(await ok(call('/api/v1/auth/me', { token: adminToken() }))).toEqual({ kind: 'admin', operator: true });
  });
});

describe('share links and public sites (requireAuth for stats:read)', () => {
  const statsRequest = (headers: Record<string, string> = {}, query = '') => new Request(`${ORIGIN}/api/v2/query${query}`, { method: 'POST', headers });

  it('a share token reads its own site only, from the URL or a header, until revoked', async () => {
    const site = await makeSite();
    const otherSite = await makeSite();
    const share = await ok<{ id: string; token: string; url: string }>(call(`/api/v1/sites/${site}/shares`, { token: adminToken(), body: { name: 'press' } }), 201);
    expect(share.url).toBe(`${ORIGIN}/share/${site}?auth=${share.token}`);
    expect(await requireAuth(statsRequest({}, `?auth=${share.token}`), env, { site, scope: 'stats:read' })).toMatchObject({ kind: 'share', site });
    expect(await requireAuth(statsRequest({ authorization: `Bearer ${share.token}` }), env, { site, scope: 'stats:read' })).toMatchObject({ kind: 'share' });
    await expect(requireAuth(statsRequest({}, `?auth=${share.token}`), env, { site: otherSite, scope: 'stats:read' })).rejects.toMatchObject({ status: 403 });
    await expect(requireAuth(statsRequest({}, `?auth=${share.token}`), env, { site, scope: 'sites:admin' })).rejects.toMatchObject({ status: 403 });
    await ok(call(`/api/v1/sites/${site}/shares/${share.id}`, { method: 'DELETE', token: adminToken() }));
    await expect(requireAuth(statsRequest({}, `?auth=${share.token}`), env, { site, scope: 'stats:read' })).rejects.toMatchObject({ status: 401 });
  });

  it('an API key or session in the URL is refused: only share tokens go there', async () => {
    const site = await makeSite();
    const viewer = await makeUserSession(site, 'viewer');
    await expect(requireAuth(statsRequest({}, `?auth=${viewer.token}`), env, { site, scope: 'stats:read' })).rejects.toMatchObject({ status: 401 });
  });

  it('a public site is readable by anyone, and only readable', async () => {
    const site = await makeSite();
    await expect(requireAuth(statsRequest(), env, { site, scope: 'stats:read' })).rejects.toMatchObject({ status: 401 });
    await ok(call(`/api/v1/sites/${site}`, { method: 'PATCH', token: adminToken(), body: { public: true } }));
    expect(await requireAuth(statsRequest(), env, { site, scope: 'stats:read' })).toEqual({ kind: 'public', site });
    await expect(requireAuth(statsRequest(), env, { site, scope: 'sites:admin' })).rejects.toMatchObject({ status: 401 });
  });
});
