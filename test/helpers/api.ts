/** Helpers for tests of the management API (and others that need sites, users and keys): everything goes through SELF.fetch, real D1. */
import { env, SELF } from 'cloudflare:test';
import { importJWK, SignJWT, type JWTPayload } from 'jose';

export const ORIGIN = 'https://pulse.test';
export const adminToken = (): string => env.PULSE_ADMIN_TOKEN!;

export interface CallOptions {
  method?: string;
  token?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
}

export function call(path: string, options: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  return SELF.fetch(`${ORIGIN}${path}`, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

export async function ok<T = Record<string, unknown>>(response: Response | Promise<Response>, status?: number): Promise<T> {
  const res = await response;
  const text = await res.text();
  if (status !== undefined ? res.status !== status : res.status >= 300) {
    throw new Error(`expected ${status ?? '2xx'}, got ${res.status}: ${text}`);
  }
  return (text ? JSON.parse(text) : null) as T;
}

let counter = 0;
/** A domain no other test uses: test files may share one D1 database. */
export const uniqueDomain = (label = 'site'): string => `${label}-${Date.now().toString(36)}-${(counter++).toString(36)}.example`;

export async function makeSite(domain = uniqueDomain()): Promise<string> {
  await ok(call('/api/v1/sites', { token: adminToken(), body: { domain } }), 201);
  return domain;
}

/** Creates (or adds) a user with a role on a site via the admin token; returns id and password. */
export async function makeUser(site: string, role: 'owner' | 'admin' | 'viewer', email = `${role}-${counter++}@${site}`) {
  const password = `pw-${crypto.randomUUID()}`;
  const member = await ok<{ user_id: string }>(call(`/api/v1/sites/${site}/members`, { token: adminToken(), body: { email, role, password } }));
  return { id: member.user_id, email, password };
}

export async function signIn(email: string, password: string): Promise<string> {
  const session = await ok<{ token: string }>(call('/api/v1/auth/sign-in', { body: { email, password } }));
  return session.token;
}

export async function makeUserSession(site: string, role: 'owner' | 'admin' | 'viewer') {
  const user = await makeUser(site, role);
  return { ...user, token: await signIn(user.email, user.password) };
}

export async function makeKey(sites: string[], scope: string, extra: Record<string, unknown> = {}) {
  return ok<{ id: string; token: string }>(call('/api/v1/keys', { token: adminToken(), body: { sites, scope, ...extra } }), 201);
}

/** Signs arbitrary claims with the server's real private key, for crafted-token attacks. */
export async function signWithServerKey(claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  const jwk = JSON.parse(env.PULSE_SIGNING_KEYS!).keys[0];
  const key = await importJWK(jwk, 'ES256');
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: jwk.kid, ...header }).sign(key);
}

export const serverKid = (): string => JSON.parse(env.PULSE_SIGNING_KEYS!).keys[0].kid;

export const b64url = (value: unknown): string =>
  btoa(typeof value === 'string' ? value : JSON.stringify(value)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');

/** The operator listed in the tests' `PULSE_OPERATOR_EMAILS` (vitest.config.ts, in other letter case there). */
export const OPERATOR_EMAIL = 'operator@pulse.test';
const OPERATOR_PASSWORD = 'operator-password-for-tests';

/** A session of the listed operator, a viewer of `site` (files share D1: the account is made once). */
export async function operatorSession(site: string): Promise<string> {
  const res = await call(`/api/v1/sites/${site}/members`, { token: adminToken(), body: { email: OPERATOR_EMAIL, role: 'viewer', password: OPERATOR_PASSWORD } });
  if (res.status !== 201 && res.status !== 409) throw new Error(`operator account: ${res.status} ${await res.text()}`);
  return signIn(OPERATOR_EMAIL, OPERATOR_PASSWORD);
}
