/**
 * Who is calling: the bootstrap admin (CLI), a user (session cookie or Bearer session JWT), an API
 * key, or a public share link. `authenticate` only establishes identity; `access.ts` decides what
 * that identity may do on a site.
 */
import { decodeJwt } from 'jose';
import type { Env } from '../env';
import { HttpError } from '../lib/http-error';
import { limitKey } from './rate-limit';
import { AUDIENCE, looksLikeJwt, parseScopes, verifyToken, type Scope, type TokenKind } from './tokens';

export const SESSION_COOKIE = 'pulse_session';

export type Principal =
  | { kind: 'admin' }
  | { kind: 'user'; userId: string; email: string; jti: string; exp: number }
  | { kind: 'key'; keyId: string; sites: string[]; scopes: Set<Scope>; jti: string }
  | { kind: 'share'; shareId: string; site: string; jti: string };

export const unauthorized = (message = 'authentication required'): HttpError =>
  new HttpError(401, 'unauthorized', message, { 'www-authenticate': 'Bearer realm="pulse"' });

/** The credential a request carries, by precedence: Authorization header, then session cookie. */
export function readCredential(request: Request): { token: string; from: 'header' | 'cookie' | 'query' } | null {
  const header = request.headers.get('authorization');
  if (header !== null) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw unauthorized('Authorization must be "Bearer <token>"');
    return { token: match[1]!, from: 'header' };
  }
  const cookie = readCookie(request, SESSION_COOKIE);
  if (cookie) return { token: cookie, from: 'cookie' };
  // Share links put their token in the URL (`?auth=`, as Plausible's shared links do); browsers
  // cannot set headers on a WebSocket either. Only share tokens are accepted from there.
  const auth = new URL(request.url).searchParams.get('auth');
  return auth ? { token: auth, from: 'query' } : null;
}

export function readCookie(request: Request, name: string): string | null {
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=') || null;
  }
  return null;
}

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

/** Compares digests, so neither content nor length of the admin token leaks through timing. */
async function isAdminToken(env: Env, token: string): Promise<boolean> {
  if (!env.PULSE_ADMIN_TOKEN) return false;
  const [a, b] = await Promise.all([digest(token), digest(env.PULSE_ADMIN_TOKEN)]);
  return crypto.subtle.timingSafeEqual(a, b);
}

function kindOf(token: string): TokenKind {
  let aud: unknown;
  try {
    aud = decodeJwt(token).aud; // unverified: only picks which audience to pin in verifyToken
  } catch {
    throw new HttpError(401, 'invalid_token', 'invalid token');
  }
  const kind = (Object.keys(AUDIENCE) as TokenKind[]).find((k) => aud === AUDIENCE[k]);
  if (!kind) throw new HttpError(401, 'invalid_token', 'invalid token');
  return kind;
}

/** Identifies the caller, or returns null when the request carries no credential at all. */
export async function authenticate(request: Request, env: Env): Promise<Principal | null> {
  const credential = readCredential(request);
  if (!credential) return null;
  const { token, from } = credential;
  if (from === 'header' && (await isAdminToken(env, token))) return { kind: 'admin' };
  if (!looksLikeJwt(token)) throw new HttpError(401, 'invalid_token', 'malformed token');
  const kind = kindOf(token);
  if (from === 'query' && kind !== 'share') throw new HttpError(401, 'invalid_token', 'only share tokens may be sent in the URL');
  const claims = await verifyToken(env, token, kind);

  if (kind === 'api') {
    await limitKey(env, claims.sub, typeof claims.rl === 'number' ? claims.rl : undefined);
    const sites = Array.isArray(claims.sites) ? claims.sites.filter((s) => typeof s === 'string') : [];
    return { kind: 'key', keyId: claims.sub, sites, scopes: parseScopes(claims.scope), jti: claims.jti };
  }
  if (kind === 'share') {
    // a link with a password: its own token only unlocks (shares-unlock.ts), it reads nothing
    if (claims.pw === true && claims.unlocked !== true) {
      throw new HttpError(401, 'password_required', 'this share link has a password: POST it to /api/v1/shares/unlock with the link token for a token that reads');
    }
    const site = Array.isArray(claims.sites) && typeof claims.sites[0] === 'string' ? claims.sites[0] : '';
    return { kind: 'share', shareId: claims.sub, site, jti: claims.jti };
  }
  // Sessions are checked against the user row: a deleted user or a changed password ends them.
  const user = await env.DB.prepare('SELECT id, email, token_version FROM users WHERE id = ?')
    .bind(claims.sub)
    .first<{ id: string; email: string; token_version: number }>();
  if (!user || user.token_version !== claims.ver) throw new HttpError(401, 'invalid_token', 'session ended');
  return { kind: 'user', userId: user.id, email: user.email, jti: claims.jti, exp: claims.exp };
}

/** Like `authenticate`, but a missing credential is a 401. */
export async function requirePrincipal(request: Request, env: Env): Promise<Principal> {
  const principal = await authenticate(request, env);
  if (!principal) throw unauthorized();
  return principal;
}
