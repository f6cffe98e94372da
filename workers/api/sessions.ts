/** Dashboard accounts: sign-in, sign-out, who am I (and whether an operator), password change. */
import type { IRequest } from 'itty-router';
import * as v from 'valibot';
import { forbidden } from '../auth/access';
import { burnPasswordCheck, hashPassword, verifyPassword } from '../auth/password';
import { requirePrincipal, SESSION_COOKIE } from '../auth/principal';
import { isOperator } from '../auth/operator';
import { clearSignIn, limitSignIn } from '../auth/rate-limit';
import { markRevoked, revocationStatement } from '../auth/revocation';
import { issueToken } from '../auth/tokens';
import type { Env } from '../env';
import { HttpError, jsonResponse } from '../lib/http-error';
import { EMAIL, PASSWORD, readBody } from './validate';
import type { UserRow } from '../db/rows';

/** Short-lived on purpose: a stolen cookie is useful for hours, not weeks. */
export const SESSION_TTL_SECONDS = 8 * 3600;

const SIGN_IN = v.object({ email: EMAIL, password: v.pipe(v.string(), v.maxLength(256)) });
const CHANGE_PASSWORD = v.object({ current_password: v.pipe(v.string(), v.maxLength(256)), new_password: PASSWORD });

export type { UserRow };

export const findUserByEmail = (env: Env, email: string) =>
  env.DB.prepare('SELECT * FROM users WHERE email = ?').bind(email).first<UserRow>();

export const checkPassword = (user: UserRow, password: string) =>
  verifyPassword(password, { hash: user.password_hash, salt: user.password_salt, iterations: user.password_iterations });

function sessionCookie(request: Request, token: string, maxAge: number): string {
  // HttpOnly: page scripts (and XSS) cannot read it; SameSite=Lax: no cross-site POSTs carry it.
  // Secure whenever served over https; plain http only happens on 127.0.0.1 in `npm run dev`,
  // where some browsers would drop a Secure cookie.
  const secure = new URL(request.url).protocol === 'https:' ? ' Secure;' : '';
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly;${secure} SameSite=Lax; Max-Age=${maxAge}`;
}

/** Issues a session for a user: the token in the body (Bearer use) and in the cookie (dashboard). */
export async function startSession(env: Env, request: Request, user: Pick<UserRow, 'id' | 'email' | 'token_version'>, status = 200): Promise<Response> {
  const { token, exp } = await issueToken(env, {
    kind: 'session',
    sub: user.id,
    ttl: SESSION_TTL_SECONDS,
    claims: { ver: user.token_version },
  });
  return jsonResponse(
    { token, expires_at: new Date(exp * 1000).toISOString(), user: { id: user.id, email: user.email } },
    status,
    { 'set-cookie': sessionCookie(request, token, SESSION_TTL_SECONDS), 'cache-control': 'no-store' },
  );
}

export async function signIn(request: IRequest, env: Env): Promise<Response> {
  const body = await readBody(request, SIGN_IN);
  const ip = request.headers.get('cf-connecting-ip');
  await limitSignIn(env, body.email, ip);
  const user = await findUserByEmail(env, body.email);
  if (!user) {
    await burnPasswordCheck(body.password);
    throw new HttpError(401, 'invalid_credentials', 'wrong email or password');
  }
  if (!(await checkPassword(user, body.password))) throw new HttpError(401, 'invalid_credentials', 'wrong email or password');
  await clearSignIn(env, body.email, ip);
  return startSession(env, request, user);
}

export async function signOut(request: IRequest, env: Env): Promise<Response> {
  const principal = await requirePrincipal(request, env);
  if (principal.kind !== 'user') throw forbidden('only a session can sign out');
  await revocationStatement(env, principal.jti, principal.exp * 1000).run();
  markRevoked(env, principal.jti);
  return new Response(null, { status: 204, headers: { 'set-cookie': sessionCookie(request, '', 0) } });
}

export async function whoAmI(request: IRequest, env: Env): Promise<Response> {
  const principal = await requirePrincipal(request, env);
  switch (principal.kind) {
    case 'admin':
      return jsonResponse({ kind: 'admin', operator: true });
    case 'key':
      return jsonResponse({ kind: 'key', key_id: principal.keyId, sites: principal.sites, scope: [...principal.scopes].join(' '), operator: false });
    case 'share':
      return jsonResponse({ kind: 'share', site: principal.site, operator: false });
    case 'user': {
      const { results } = await env.DB.prepare('SELECT site_id AS site, role FROM memberships WHERE user_id = ? ORDER BY site_id')
        .bind(principal.userId)
        .all<{ site: string; role: string }>();
      return jsonResponse({ kind: 'user', user: { id: principal.userId, email: principal.email }, sites: results, operator: isOperator(env, principal) });
    }
  }
}

/** Changing the password ends every other session (token version bump) and starts a new one. */
export async function changePassword(request: IRequest, env: Env): Promise<Response> {
  const principal = await requirePrincipal(request, env);
  if (principal.kind !== 'user') throw forbidden('only a signed-in user can change a password');
  const body = await readBody(request, CHANGE_PASSWORD);
  await limitSignIn(env, principal.email, request.headers.get('cf-connecting-ip'));
  const user = await findUserByEmail(env, principal.email);
  if (!user || !(await checkPassword(user, body.current_password))) {
    throw new HttpError(403, 'invalid_credentials', 'current password is wrong');
  }
  const hashed = await hashPassword(body.new_password);
  const version = user.token_version + 1;
  await env.DB.batch([
    env.DB.prepare(
      'UPDATE users SET password_hash = ?, password_salt = ?, password_iterations = ?, token_version = ?, updated_at = ? WHERE id = ?',
    ).bind(hashed.hash, hashed.salt, hashed.iterations, version, Date.now(), user.id),
    revocationStatement(env, principal.jti, principal.exp * 1000),
  ]);
  markRevoked(env, principal.jti);
  await clearSignIn(env, principal.email, request.headers.get('cf-connecting-ip'));
  return startSession(env, request, { ...user, token_version: version });
}
