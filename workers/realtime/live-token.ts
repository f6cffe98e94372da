/**
 * Live-stream tokens: browsers cannot put an Authorization header on a WebSocket, and a long-lived
 * API key must never sit in a URL (logs, history, Referer). So a caller with `stats:read` trades
 * its credential for a token that opens one site's live stream, for 60 seconds, and nothing else.
 * Signed with the server's ES256 keys like every Pulse token, under its own audience: the generic
 * authenticator (auth/principal.ts) knows no `pulse:live` audience and refuses it everywhere else.
 */
import { errors, jwtVerify, SignJWT } from 'jose';
import type { Env } from '../env';
import type { Access } from '../auth';
import { getRole } from '../auth/access';
import { HttpError } from '../lib/http-error';
import { isRevoked } from '../auth/revocation';
import { getSigningKeys } from '../auth/signing-keys';
import { issuerOf } from '../auth/tokens';

export const LIVE_AUDIENCE = 'pulse:live';
export const LIVE_TOKEN_TTL_SECONDS = 60;

export interface LiveViewer {
  kind: string;
  id: string;
  /** the jti of the credential the token was traded for (claim `cj`); never sent to the SiteDO */
  jti?: string;
}

/** Who is behind an authorized request, as the socket's attachment records it (no secrets). */
export function viewerOf(access: Access): LiveViewer {
  switch (access.kind) {
    case 'admin':
      return { kind: 'admin', id: 'admin' };
    case 'user':
      return { kind: 'user', id: access.userId, jti: access.jti };
    case 'key':
      return { kind: 'key', id: access.keyId, jti: access.jti };
    case 'share':
      return { kind: 'share', id: access.shareId, jti: access.jti };
    case 'public':
      return { kind: 'public', id: '' };
  }
}

/**
 * @example
 *   const { token } = await issueLiveToken(env, 'example.com', { kind: 'user', id: 'u_1' });
 *   new WebSocket(`wss://…/api/v1/sites/example.com/live?token=${token}`);
 */
export async function issueLiveToken(
  env: Env,
  site: string,
  viewer: LiveViewer,
  options: { ttl?: number; issuedAt?: number } = {},
): Promise<{ token: string; expiresAt: number }> {
  const { current } = await getSigningKeys(env);
  const iat = options.issuedAt ?? Math.floor(Date.now() / 1000);
  const exp = iat + Math.min(options.ttl ?? LIVE_TOKEN_TTL_SECONDS, LIVE_TOKEN_TTL_SECONDS);
  const token = await new SignJWT({ sites: [site], vk: viewer.kind, ...(viewer.jti ? { cj: viewer.jti } : {}) })
    .setProtectedHeader({ alg: 'ES256', kid: current.kid, typ: 'JWT' })
    .setIssuer(issuerOf(env))
    .setAudience(LIVE_AUDIENCE)
    .setSubject(viewer.id)
    .setJti(crypto.randomUUID())
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(current.key);
  return { token, expiresAt: exp };
}

/** The viewer a live token names, or 401 (bad or expired) / 403 (another site's token). */
export async function verifyLiveToken(env: Env, token: string, site: string): Promise<LiveViewer> {
  const { getKey } = await getSigningKeys(env);
  let claims: { sub?: string; sites?: unknown; vk?: unknown; cj?: unknown };
  try {
    ({ payload: claims } = await jwtVerify(token, getKey, {
      algorithms: ['ES256'],
      issuer: issuerOf(env),
      audience: LIVE_AUDIENCE,
      requiredClaims: ['sub', 'exp', 'iat'],
      // A token minted with a longer life than we ever issue is not ours to honour.
      maxTokenAge: LIVE_TOKEN_TTL_SECONDS + 5,
      clockTolerance: 5,
    }));
  } catch (err) {
    if (err instanceof errors.JOSEError || err instanceof TypeError || err instanceof SyntaxError) {
      throw new HttpError(401, 'invalid_token', err instanceof errors.JWTExpired ? 'token expired' : 'invalid token');
    }
    throw err;
  }
  if (!Array.isArray(claims.sites) || !claims.sites.includes(site)) throw new HttpError(403, 'forbidden', 'this token is for another site');
  const viewer: LiveViewer = { kind: typeof claims.vk === 'string' ? claims.vk : 'token', id: claims.sub ?? '' };
  if (typeof claims.cj === 'string') viewer.jti = claims.cj;
  await assertStillAllowed(env, site, viewer);
  return viewer;
}

/**
 * A live token outlives its minting by up to a minute: the credential behind it may have been
 * revoked (sign-out, key or share revoked) or the member removed since. Checked when the socket
 * opens; sockets already open are closed by the revocation itself (./disconnect.ts).
 */
async function assertStillAllowed(env: Env, site: string, viewer: LiveViewer): Promise<void> {
  if (viewer.jti && (await isRevoked(env, viewer.jti))) throw new HttpError(401, 'invalid_token', 'token revoked');
  if (viewer.kind === 'user' && !(await getRole(env, viewer.id, site))) throw new HttpError(403, 'forbidden', 'not a member of this site');
}
