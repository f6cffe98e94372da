/**
 * Every token Pulse signs is an ES256 JWT from the same key set; the audience says what it is:
 * an API key (`pulse:api`), a dashboard session (`pulse:session`) or a public share link
 * (`pulse:share`). Verification pins the algorithm, the issuer and the expected audience, looks the
 * key up by `kid` only, and consults the cached `jti` deny-list.
 */
import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { Env } from '../env';
import { HttpError } from '../lib/http-error';
import { isRevoked } from './revocation';
import { getSigningKeys } from './signing-keys';

export const SCOPES = ['stats:read', 'events:write', 'sites:admin'] as const;
export type Scope = (typeof SCOPES)[number];

export const AUDIENCE = { api: 'pulse:api', session: 'pulse:session', share: 'pulse:share' } as const;
export type TokenKind = keyof typeof AUDIENCE;

export const DEFAULT_ISSUER = 'pulse';
export const issuerOf = (env: Env): string => env.PULSE_ISSUER || DEFAULT_ISSUER;

export interface PulseClaims extends JWTPayload {
  sub: string;
  jti: string;
  exp: number;
  iat: number;
  /** API keys and share links: the site ids the token may touch */
  sites?: string[];
  /** API keys and share links: space-separated (or an array, accepted on input) */
  scope?: string | string[];
  /** API keys: requests per hour */
  rl?: number;
  /** sessions: the user's token version; a password change bumps it */
  ver?: number;
  /** share links: the link has a password, so this token alone reads nothing (`shares-unlock.ts`) */
  pw?: boolean;
  /** share links: a short-lived token issued for the right password */
  unlocked?: boolean;
}

export interface IssueOptions {
  kind: TokenKind;
  sub: string;
  jti?: string;
  /** seconds from now */
  ttl: number;
  claims?: Omit<PulseClaims, 'sub' | 'jti' | 'exp' | 'iat' | 'iss' | 'aud'>;
}

export async function issueToken(env: Env, options: IssueOptions): Promise<{ token: string; jti: string; exp: number }> {
  const { current } = await getSigningKeys(env);
  const jti = options.jti ?? crypto.randomUUID();
  const iat = Math.floor(Date.now() / 1000);
  const exp = iat + options.ttl;
  const token = await new SignJWT({ ...options.claims })
    .setProtectedHeader({ alg: 'ES256', kid: current.kid, typ: 'JWT' })
    .setIssuer(issuerOf(env))
    .setAudience(AUDIENCE[options.kind])
    .setSubject(options.sub)
    .setJti(jti)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(current.key);
  return { token, jti, exp };
}

/** A compact JWS has three base64url parts; anything else is not ours and skips the crypto. */
export const looksLikeJwt = (value: string): boolean => /^[\w-]+\.[\w-]+\.[\w-]*$/.test(value);

/**
 * Verifies a token of one kind and returns its claims; any failure is a 401 that says why in
 * general terms only (never which check failed, so probing learns nothing).
 */
export async function verifyToken(env: Env, token: string, kind: TokenKind): Promise<PulseClaims> {
  const { getKey } = await getSigningKeys(env);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, getKey, {
      algorithms: ['ES256'], // pinned: `none`, HS256-with-the-public-key and friends never pass
      issuer: issuerOf(env),
      audience: AUDIENCE[kind],
      requiredClaims: ['sub', 'jti', 'exp', 'iat'],
      clockTolerance: 5,
    }));
  } catch (err) {
    if (err instanceof errors.JOSEError || err instanceof TypeError || err instanceof SyntaxError) {
      const expired = err instanceof errors.JWTExpired;
      throw new HttpError(401, 'invalid_token', expired ? 'token expired' : 'invalid token', {
        'www-authenticate': `Bearer error="invalid_token"`,
      });
    }
    throw err;
  }
  const claims = payload as PulseClaims;
  if (await isRevoked(env, claims.jti)) {
    throw new HttpError(401, 'invalid_token', 'token revoked', { 'www-authenticate': `Bearer error="invalid_token"` });
  }
  return claims;
}

/** `scope` arrives space-separated (RFC 8693 style) or as an array; unknown scopes are ignored. */
export function parseScopes(scope: string | string[] | undefined): Set<Scope> {
  const parts = Array.isArray(scope) ? scope : (scope ?? '').split(/[\s,]+/);
  return new Set(parts.filter((s): s is Scope => (SCOPES as readonly string[]).includes(s)));
}
