/**
 * Unlocking a share link that has a password (like Plausible's password-protected shared links).
 * The link's own token carries `pw` and reads nothing (`principal.ts` refuses it); posting the
 * password with it returns a short-lived share token, same link and same `jti` (so revoking the
 * link ends it too), that reads like a link without a password. The dashboard keeps it in an
 * HttpOnly cookie scoped to the link's share pages.
 */
import type { IRequest } from 'itty-router';
import * as v from 'valibot';
import { verifyPassword } from '../auth/password';
import { readCredential, unauthorized } from '../auth/principal';
import { clearShareUnlock, limitShareUnlock } from '../auth/rate-limit';
import { issueToken, looksLikeJwt, verifyToken } from '../auth/tokens';
import type { Env } from '../env';
import { HttpError, jsonResponse } from '../lib/http-error';
import { readBody } from './validate';
import type { ShareLinkRow as ShareRow } from '../db/rows';

/** How long a right password holds: a working day, so a shared screen is not asked again and again. */
export const UNLOCK_TTL_SECONDS = 12 * 3600;
const UNLOCK = v.object({ password: v.pipe(v.string('password is required'), v.minLength(1, 'password is required'), v.maxLength(200, 'password must be at most 200 characters')) });

export async function unlockShare(request: IRequest, env: Env): Promise<Response> {
  const credential = readCredential(request);
  if (!credential) throw unauthorized('send the share link token as "Authorization: Bearer <token>"');
  if (!looksLikeJwt(credential.token)) throw new HttpError(401, 'invalid_token', 'malformed token');
  const claims = await verifyToken(env, credential.token, 'share');
  const body = await readBody(request, UNLOCK);
  // D1 is the authority here (the revocation cache may lag a few seconds behind a revoke)
  const row = await env.DB.prepare('SELECT * FROM share_links WHERE id = ? AND jti = ?').bind(claims.sub, claims.jti).first<ShareRow>();
  if (!row || row.revoked_at !== null) throw new HttpError(401, 'invalid_token', 'token revoked');
  if (row.password_hash === null || row.password_salt === null || row.password_iterations === null) {
    throw new HttpError(400, 'no_password', 'this share link has no password: its token opens the dashboard as it is');
  }
  const ip = request.headers.get('cf-connecting-ip');
  await limitShareUnlock(env, row.id, ip);
  const right = await verifyPassword(body.password, { hash: row.password_hash, salt: row.password_salt, iterations: row.password_iterations });
  if (!right) throw new HttpError(401, 'wrong_password', 'wrong password for this share link');
  await clearShareUnlock(env, row.id, ip);
  const issued = await issueToken(env, {
    kind: 'share', sub: row.id, jti: row.jti, ttl: UNLOCK_TTL_SECONDS,
    claims: { sites: [row.site_id], scope: 'stats:read', unlocked: true },
  });
  return jsonResponse({ token: issued.token, expires_at: new Date(issued.exp * 1000).toISOString() });
}
