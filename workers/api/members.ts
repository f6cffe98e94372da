/**
 * Site members and roles, and invitations by email token. Owners manage owners; admins manage
 * admins and viewers; a site always keeps at least one owner. No mail server: the invitation
 * link is returned to the inviter (and printed by the CLI) to pass on.
 */
import type { IRequest } from 'itty-router';
import * as v from 'valibot';
import { atLeast, forbidden, getRole, requireSiteAccess, roleOf, type Role } from '../auth/access';
import { generatePassword, hashPassword } from '../auth/password';
import { authenticate, type Principal } from '../auth/principal';
import { limitSignIn } from '../auth/rate-limit';
import type { Env } from '../env';
import { HttpError, jsonResponse } from '../lib/http-error';
import { disconnectViewers } from '../realtime/disconnect';
import { revokeKeysCreatedBy } from './keys';
import { checkPassword, findUserByEmail, startSession } from './sessions';
import { siteParam } from './sites';
import { EMAIL, newId, PASSWORD, randomSecret, readBody, ROLE } from './validate';

const INVITATION_TTL_MS = 7 * 24 * 3600_000;

const ADD_MEMBER = v.object({ email: EMAIL, role: ROLE, password: v.optional(PASSWORD) });
const CHANGE_ROLE = v.object({ role: ROLE });
const INVITE = v.object({ email: EMAIL, role: ROLE });
const ACCEPT = v.object({ token: v.pipe(v.string(), v.maxLength(200)), password: v.optional(v.pipe(v.string(), v.maxLength(256))) });

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Only an owner may hand out or take away the owner role. */
async function assertMayGrant(env: Env, principal: Principal, site: string, role: Role): Promise<void> {
  if (role === 'owner' && !atLeast(await roleOf(env, principal, site), 'owner')) throw forbidden('only an owner may grant or change the owner role');
}

export async function createUser(env: Env, email: string, password: string): Promise<string> {
  const id = newId('usr');
  const hashed = await hashPassword(password);
  const now = Date.now();
  await env.DB.prepare(
    'INSERT INTO users (id, email, password_hash, password_salt, password_iterations, token_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)',
  )
    .bind(id, email, hashed.hash, hashed.salt, hashed.iterations, now, now)
    .run();
  return id;
}

const upsertMembership = (env: Env, site: string, userId: string, role: Role) =>
  env.DB.prepare(
    'INSERT INTO memberships (site_id, user_id, role, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (site_id, user_id) DO UPDATE SET role = excluded.role',
  ).bind(site, userId, role, Date.now());

export async function listMembers(request: IRequest, env: Env): Promise<Response> {
  const site = siteParam(request);
  await requireSiteAccess(request, env, site, 'admin');
  const { results } = await env.DB.prepare(
    'SELECT u.id AS user_id, u.email, m.role, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.site_id = ? ORDER BY u.email',
  )
    .bind(site)
    .all();
  return jsonResponse({ members: results });
}

/**
 * `POST …/members`: adds an existing user with a role. Creating a new account here is for the
 * bootstrap admin (the CLI's `user add`); everyone else invites. A generated password is returned once.
 */
export async function addMember(request: IRequest, env: Env): Promise<Response> {
  const site = siteParam(request);
  const principal = await requireSiteAccess(request, env, site, 'admin');
  const body = await readBody(request, ADD_MEMBER);
  await assertMayGrant(env, principal, site, body.role);
  if (!(await env.DB.prepare('SELECT 1 FROM sites WHERE id = ?').bind(site).first())) throw new HttpError(404, 'not_found', `no site ${site}`);
  let user = await findUserByEmail(env, body.email);
  let password: string | undefined;
  if (!user) {
    if (principal.kind !== 'admin') throw new HttpError(404, 'not_found', 'no user with this email: send an invitation instead');
    password = body.password ?? generatePassword();
    await createUser(env, body.email, password);
    user = (await findUserByEmail(env, body.email))!;
  } else if (body.password) {
    throw new HttpError(409, 'conflict', 'user exists: its password is not changed here');
  }
  const current = await env.DB.prepare('SELECT role FROM memberships WHERE site_id = ? AND user_id = ?').bind(site, user.id).first<{ role: Role }>();
  if (current?.role === 'owner') await assertMayGrant(env, principal, site, 'owner');
  await upsertMembership(env, site, user.id, body.role).run();
  const created = { user_id: user.id, email: user.email, role: body.role, ...(body.password || !password ? {} : { password }) };
  return jsonResponse(created, password ? 201 : 200);
}

async function ownerCount(env: Env, site: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM memberships WHERE site_id = ? AND role = 'owner'").bind(site).first<{ n: number }>();
  return row?.n ?? 0;
}

async function loadMember(env: Env, site: string, userId: string): Promise<Role> {
  const row = await env.DB.prepare('SELECT role FROM memberships WHERE site_id = ? AND user_id = ?').bind(site, userId).first<{ role: Role }>();
  if (!row) throw new HttpError(404, 'not_found', 'no such member');
  return row.role;
}

export async function changeRole(request: IRequest, env: Env): Promise<Response> {
  const site = siteParam(request);
  const principal = await requireSiteAccess(request, env, site, 'admin');
  const { role } = await readBody(request, CHANGE_ROLE);
  const userId = request.params.user ?? '';
  const current = await loadMember(env, site, userId);
  if (current === 'owner' || role === 'owner') await assertMayGrant(env, principal, site, 'owner');
  if (current === 'owner' && role !== 'owner' && (await ownerCount(env, site)) <= 1) throw new HttpError(409, 'conflict', 'a site needs at least one owner');
  await upsertMembership(env, site, userId, role).run();
  if (!atLeast(role, 'admin')) await revokeKeysCreatedBy(env, userId, site);
  return jsonResponse({ user_id: userId, role });
}

/** Admins remove members; anyone may leave a site; the last owner may not. */
export async function removeMember(request: IRequest, env: Env): Promise<Response> {
  const site = siteParam(request);
  const userId = request.params.user ?? '';
  const self = await authenticate(request, env);
  const leaving = self?.kind === 'user' && self.userId === userId;
  const principal = leaving ? self : await requireSiteAccess(request, env, site, 'admin');
  const current = await loadMember(env, site, userId);
  if (current === 'owner') {
    if (!leaving) await assertMayGrant(env, principal!, site, 'owner');
    if ((await ownerCount(env, site)) <= 1) throw new HttpError(409, 'conflict', 'a site needs at least one owner');
  }
  await env.DB.prepare('DELETE FROM memberships WHERE site_id = ? AND user_id = ?').bind(site, userId).run();
  // What the membership let in ends with it: the keys they made for this site, their live sockets.
  await revokeKeysCreatedBy(env, userId, site);
  await disconnectViewers(env, [site], [{ kind: 'user', id: userId }]);
  return new Response(null, { status: 204 });
}

/** `invited_by`: a user id, an API key id (`key_…`), or null for the bootstrap admin token. */
const inviterOf = (principal: Principal): string | null =>
  principal.kind === 'user' ? principal.userId : principal.kind === 'key' ? principal.keyId : null;

/**
 * An invitation grants what its creator could grant, so it is only as good as the creator still
 * is: a key not revoked, unexpired and still `sites:admin` on the site, or a user still admin
 * (owner, for an owner invitation). Otherwise a revoked key or removed admin could keep minting
 * members through links made before.
 */
async function assertInviterValid(env: Env, invitation: { site_id: string; role: Role; invited_by: string | null }): Promise<void> {
  const by = invitation.invited_by;
  if (by === null) return;
  let valid: boolean;
  if (by.startsWith('key_')) {
    const key = await env.DB.prepare('SELECT sites, scope, expires_at, revoked_at FROM api_keys WHERE id = ?').bind(by).first<{ sites: string; scope: string; expires_at: number; revoked_at: number | null }>();
    valid = !!key && key.revoked_at === null && key.expires_at > Date.now() && (JSON.parse(key.sites) as string[]).includes(invitation.site_id) && key.scope.split(' ').includes('sites:admin');
  } else {
    valid = atLeast(await getRole(env, by, invitation.site_id), invitation.role === 'owner' ? 'owner' : 'admin');
  }
  if (!valid) throw new HttpError(403, 'invitation_revoked', 'whoever created this invitation may no longer invite to this site');
}

export async function createInvitation(request: IRequest, env: Env): Promise<Response> {
  const site = siteParam(request);
  const principal = await requireSiteAccess(request, env, site, 'admin');
  const body = await readBody(request, INVITE);
  await assertMayGrant(env, principal, site, body.role);
  const token = `inv_${randomSecret(24)}`;
  const id = newId('inv');
  const now = Date.now();
  await env.DB.prepare(
    'INSERT INTO invitations (id, site_id, email, role, token_hash, invited_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  )
    .bind(id, site, body.email, body.role, await sha256Hex(token), inviterOf(principal), now, now + INVITATION_TTL_MS)
    .run();
  const url = new URL(`/invitations/accept?token=${token}`, request.url).toString();
  return jsonResponse({ id, site, email: body.email, role: body.role, token, url, expires_at: new Date(now + INVITATION_TTL_MS).toISOString() }, 201);
}

export async function listInvitations(request: IRequest, env: Env): Promise<Response> {
  const site = siteParam(request);
  await requireSiteAccess(request, env, site, 'admin');
  const { results } = await env.DB.prepare(
    'SELECT id, email, role, created_at, expires_at, accepted_at FROM invitations WHERE site_id = ? ORDER BY created_at DESC',
  )
    .bind(site)
    .all();
  return jsonResponse({ invitations: results });
}

export async function deleteInvitation(request: IRequest, env: Env): Promise<Response> {
  const site = siteParam(request);
  await requireSiteAccess(request, env, site, 'admin');
  const result = await env.DB.prepare('DELETE FROM invitations WHERE id = ? AND site_id = ?').bind(request.params.id ?? '', site).run();
  if (result.meta.changes === 0) throw new HttpError(404, 'not_found', 'no such invitation');
  return new Response(null, { status: 204 });
}

/**
 * `POST /api/v1/invitations/accept`: the token proves the email. A new user sets a password; an
 * existing user proves the account with its password. Returns a session.
 */
export async function acceptInvitation(request: IRequest, env: Env): Promise<Response> {
  const body = await readBody(request, ACCEPT);
  const invitation = await env.DB.prepare('SELECT * FROM invitations WHERE token_hash = ?')
    .bind(await sha256Hex(body.token))
    .first<{ id: string; site_id: string; email: string; role: Role; invited_by: string | null; expires_at: number; accepted_at: number | null }>();
  if (!invitation || invitation.accepted_at !== null || invitation.expires_at < Date.now()) {
    throw new HttpError(404, 'not_found', 'invitation not found, used or expired');
  }
  await assertInviterValid(env, invitation);
  let user = await findUserByEmail(env, invitation.email);
  if (user) {
    // Same limiter as sign-in: otherwise this route would be a way around it for password guessing.
    await limitSignIn(env, user.email, request.headers.get('cf-connecting-ip'));
    if (!body.password || !(await checkPassword(user, body.password))) throw new HttpError(401, 'invalid_credentials', 'wrong password for this account');
  } else {
    const password = v.safeParse(PASSWORD, body.password);
    if (!password.success) throw new HttpError(400, 'invalid_request', `password: ${password.issues[0].message}`);
    await createUser(env, invitation.email, password.output);
    user = (await findUserByEmail(env, invitation.email))!;
  }
  const existing = await env.DB.prepare('SELECT role FROM memberships WHERE site_id = ? AND user_id = ?').bind(invitation.site_id, user.id).first<{ role: Role }>();
  // An invitation never lowers a role the user already has.
  const role = existing && atLeast(existing.role, invitation.role) ? existing.role : invitation.role;
  await env.DB.batch([
    upsertMembership(env, invitation.site_id, user.id, role),
    env.DB.prepare('UPDATE invitations SET accepted_at = ? WHERE id = ? AND accepted_at IS NULL').bind(Date.now(), invitation.id),
  ]);
  return startSession(env, request, user);
}
