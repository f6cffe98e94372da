/**
 * Attack cases from issue 3, each with the exact status expected. Every request goes through the
 * real Worker (SELF.fetch) with real D1, the real RateLimiterDO and the real signing keys.
 */
import { env } from 'cloudflare:test';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { REFRESH_MS } from '../auth/revocation';
import { AUDIENCE, DEFAULT_ISSUER } from '../auth/tokens';
import { adminToken, b64url, call, makeKey, makeSite, makeUser, makeUserSession, ok, serverKid, signIn, signWithServerKey } from '../../test/helpers/api';

let siteA: string;
let siteB: string;
let readKeyA: { id: string; token: string };
const now = () => Math.floor(Date.now() / 1000);
const validClaims = (extra: Record<string, unknown> = {}) => ({
  iss: DEFAULT_ISSUER,
  aud: AUDIENCE.api,
  sub: readKeyA.id,
  sites: [siteA],
  scope: 'stats:read',
  iat: now(),
  exp: now() + 600,
  jti: crypto.randomUUID(),
  ...extra,
});
const readSiteA = (token: string | null, headers: Record<string, string> = {}) => call(`/api/v1/sites/${siteA}`, { token, headers });
const pageview = (domain: string) => ({ name: 'pageview', url: `https://${domain}/`, domain });

beforeAll(async () => {
  siteA = await makeSite();
  siteB = await makeSite();
  readKeyA = await makeKey([siteA], 'stats:read');
});

describe('tokens', () => {
  it('accepts a valid key (control)', async () => {
    expect((await readSiteA(readKeyA.token)).status).toBe(200);
  });

  it('no token → 401', async () => {
    const res = await readSiteA(null);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
    expect(await res.json()).toEqual({ error: 'authentication required', code: 'unauthorized' });
  });

  it('malformed → 401', async () => {
    expect((await readSiteA('not-a-jwt')).status).toBe(401);
    expect((await readSiteA('a.b.c')).status).toBe(401);
    expect((await readSiteA(null, { authorization: 'Basic dXNlcjpwYXNz' })).status).toBe(401);
  });

  it('alg: none → 401', async () => {
    const token = `${b64url({ alg: 'none', typ: 'JWT', kid: serverKid() })}.${b64url(validClaims())}.`;
    expect((await readSiteA(token)).status).toBe(401);
  });

  it('HS256 signed with the public key → 401', async () => {
    const jwks = await ok<{ keys: Record<string, string>[] }>(call('/.well-known/jwks.json'));
    const publicJwk = jwks.keys[0]!;
    for (const secret of [JSON.stringify(publicJwk), publicJwk.x!]) {
      const token = await new SignJWT(validClaims()).setProtectedHeader({ alg: 'HS256', kid: serverKid() }).sign(new TextEncoder().encode(secret));
      expect((await readSiteA(token)).status).toBe(401);
    }
  });

  it('wrong kid → 401, and a foreign key using our kid → 401', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const unknownKid = await new SignJWT(validClaims()).setProtectedHeader({ alg: 'ES256', kid: 'someone-else' }).sign(privateKey);
    expect((await readSiteA(unknownKid)).status).toBe(401);
    const forged = await new SignJWT(validClaims()).setProtectedHeader({ alg: 'ES256', kid: serverKid() }).sign(privateKey);
    expect((await readSiteA(forged)).status).toBe(401);
  });

  it('expired → 401', async () => {
    const res = await readSiteA(await signWithServerKey(validClaims({ iat: now() - 7200, exp: now() - 3600 })));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'token expired', code: 'invalid_token' });
  });

  it('not yet valid (nbf in the future) → 401', async () => {
    expect((await readSiteA(await signWithServerKey(validClaims({ nbf: now() + 3600 })))).status).toBe(401);
  });

  it('wrong iss or aud → 401', async () => {
    expect((await readSiteA(await signWithServerKey(validClaims({ iss: 'https://evil.example' })))).status).toBe(401);
    expect((await readSiteA(await signWithServerKey(validClaims({ aud: 'someone-else' })))).status).toBe(401);
    // A share token's audience does not make it an API key: it cannot manage a site.
    expect((await readSiteA(await signWithServerKey(validClaims({ aud: AUDIENCE.share })))).status).toBe(403);
    expect((await readSiteA(await signWithServerKey(validClaims()))).status).toBe(200); // control
  });

  it('tampered claims → 401', async () => {
    const [header, payload, signature] = readKeyA.token.split('.');
    const claims = JSON.parse(atob(payload!.replaceAll('-', '+').replaceAll('_', '/')));
    const tampered = `${header}.${b64url({ ...claims, sites: [siteA, siteB], scope: 'sites:admin' })}.${signature}`;
    expect((await call(`/api/v1/sites/${siteB}`, { token: tampered })).status).toBe(401);
    expect((await readSiteA(tampered)).status).toBe(401);
  });

  it('revoked jti → 401 at once', async () => {
    const key = await makeKey([siteA], 'stats:read');
    expect((await readSiteA(key.token)).status).toBe(200);
    await ok(call(`/api/v1/keys/${key.id}`, { method: 'DELETE', token: adminToken() }));
    expect((await readSiteA(key.token)).status).toBe(401);
  });

  it('a revocation written by another isolate takes effect within seconds, without a D1 read per request', async () => {
    const key = await makeKey([siteA], 'stats:read');
    expect((await readSiteA(key.token)).status).toBe(200);
    const claims = JSON.parse(atob(key.token.split('.')[1]!.replaceAll('-', '+').replaceAll('_', '/')));
    // Written straight to D1, as another isolate's revoke would: this isolate's cache is stale.
    await env.DB.prepare('INSERT INTO revocations (jti, revoked_at, expires_at) VALUES (?, ?, ?)').bind(claims.jti, Date.now(), claims.exp * 1000).run();
    expect((await readSiteA(key.token)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, REFRESH_MS + 200));
    expect((await readSiteA(key.token)).status).toBe(401);
  }, 15_000);

  it('verifies the previous kid after a rotation, until it expires', async () => {
    const { verifyToken } = await import('../auth/tokens');
    const next = await generateKeyPair('ES256', { extractable: true });
    const nextJwk = { ...(await exportJWK(next.privateKey)), kid: 'k-next' };
    const old = JSON.parse(env.PULSE_SIGNING_KEYS!).keys[0];
    const { d: _private, ...oldPublic } = old;
    const rotated = { ...env, PULSE_SIGNING_KEYS: JSON.stringify({ keys: [nextJwk, oldPublic] }) };
    const claims = await verifyToken(rotated, readKeyA.token, 'api');
    expect(claims.sub).toBe(readKeyA.id);
  });

  it('publishes public keys only', async () => {
    const jwks = await ok<{ keys: Record<string, string>[] }>(call('/.well-known/jwks.json'));
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', kid: serverKid() });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });
});

describe('sites and scopes', () => {
  it('a key of site A on site B: read → 403, write → 403', async () => {
    const adminKeyA = await makeKey([siteA], 'stats:read sites:admin events:write');
    const read = await call(`/api/v1/sites/${siteB}`, { token: adminKeyA.token });
    expect(read.status).toBe(403);
    expect(await read.json()).toEqual({ error: 'this key is not valid for this site', code: 'forbidden' });
    expect((await call(`/api/v1/sites/${siteB}/goals`, { token: adminKeyA.token })).status).toBe(403);
    expect((await call(`/api/v1/sites/${siteB}`, { method: 'PATCH', token: adminKeyA.token, body: { public: true } })).status).toBe(403);
    expect((await call(`/api/v1/sites/${siteB}/goals`, { token: adminKeyA.token, body: { event_name: 'x' } })).status).toBe(403);
    const write = await call('/api/event', { token: adminKeyA.token, body: pageview(siteB) });
    expect(write.status).toBe(403);
    expect(await write.json()).toEqual({ error: `this key may not send events for ${siteB}`, code: 'forbidden' });
    expect((await call('/api/event', { token: adminKeyA.token, body: pageview(siteA) })).status).toBe(202); // control
  });

  it('missing scope → 403', async () => {
    expect((await call(`/api/v1/sites/${siteA}`, { method: 'PATCH', token: readKeyA.token, body: { public: true } })).status).toBe(403);
    const ingest = await call('/api/event', { token: readKeyA.token, body: pageview(siteA) });
    expect(ingest.status).toBe(403);
    expect(await ingest.json()).toEqual({ error: 'this key lacks the events:write scope', code: 'insufficient_scope' });
    const writeOnly = await makeKey([siteA], 'events:write');
    expect((await readSiteA(writeOnly.token)).status).toBe(403);
  });

  it('a key never mints or revokes keys → 403', async () => {
    const adminKey = await makeKey([siteA], 'sites:admin');
    expect((await call('/api/v1/keys', { token: adminKey.token, body: { sites: [siteA], scope: 'sites:admin' } })).status).toBe(403);
    expect((await call(`/api/v1/keys/${readKeyA.id}`, { method: 'DELETE', token: adminKey.token })).status).toBe(403);
  });

  it('viewer doing admin work → 403', async () => {
    const viewer = await makeUserSession(siteA, 'viewer');
    expect((await readSiteA(viewer.token)).status).toBe(200); // control
    expect((await call(`/api/v1/sites/${siteA}`, { method: 'PATCH', token: viewer.token, body: { public: true } })).status).toBe(403);
    expect((await call(`/api/v1/sites/${siteA}`, { method: 'DELETE', token: viewer.token })).status).toBe(403);
    expect((await call('/api/v1/keys', { token: viewer.token, body: { sites: [siteA], scope: 'stats:read' } })).status).toBe(403);
  });
});

describe('sessions', () => {
  it('session token used after sign-out → 401 (Bearer and cookie)', async () => {
    const user = await makeUser(siteA, 'viewer');
    const res = await call('/api/v1/auth/sign-in', { body: { email: user.email, password: user.password } });
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^pulse_session=[\w-]+\.[\w-]+\.[\w-]+; Path=\/; HttpOnly; Secure; SameSite=Lax; Max-Age=\d+$/);
    const { token } = await res.json<{ token: string }>();
    const cookieHeader = { cookie: cookie.split(';')[0]! };
    expect((await readSiteA(null, cookieHeader)).status).toBe(200);
    expect((await call('/api/v1/auth/sign-out', { method: 'POST', token })).status).toBe(204);
    expect((await readSiteA(token)).status).toBe(401);
    expect((await readSiteA(null, cookieHeader)).status).toBe(401);
  });

  it('password change ends older sessions; the new password works', async () => {
    const user = await makeUser(siteA, 'viewer');
    const first = await signIn(user.email, user.password);
    const second = await signIn(user.email, user.password);
    const changed = await ok<{ token: string }>(call('/api/v1/auth/password', { token: first, body: { current_password: user.password, new_password: 'a brand new password' } }));
    expect((await readSiteA(second)).status).toBe(401);
    expect((await readSiteA(first)).status).toBe(401);
    expect((await readSiteA(changed.token)).status).toBe(200);
    expect((await call('/api/v1/auth/sign-in', { body: { email: user.email, password: user.password } })).status).toBe(401);
    await signIn(user.email, 'a brand new password');
  });

  it('brute-force sign-in → 429 with Retry-After, even with the right password', async () => {
    const user = await makeUser(siteA, 'viewer');
    for (let i = 0; i < 10; i++) {
      expect((await call('/api/v1/auth/sign-in', { body: { email: user.email, password: `guess-${i}-xxxxxxxx` } })).status).toBe(401);
    }
    const res = await call('/api/v1/auth/sign-in', { body: { email: user.email, password: user.password } });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('an unknown email and a wrong password give the same answer', async () => {
    const a = await call('/api/v1/auth/sign-in', { body: { email: 'nobody@nowhere.example', password: 'whatever-long' } });
    const user = await makeUser(siteA, 'viewer');
    const b = await call('/api/v1/auth/sign-in', { body: { email: user.email, password: 'whatever-long' } });
    expect([a.status, await a.json()]).toEqual([b.status, await b.json()]);
  });
});

describe('per-key rate limit', () => {
  it('429 with Retry-After past the key’s hourly limit', async () => {
    const key = await makeKey([siteA], 'stats:read', { rate_limit: 3 });
    for (let i = 0; i < 3; i++) expect((await readSiteA(key.token)).status).toBe(200);
    const res = await readSiteA(key.token);
    expect(res.status).toBe(429);
    // 3 per hour: one token every 1200 s.
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(1000);
    expect((await readSiteA(readKeyA.token)).status).toBe(200); // other keys unaffected
  });
});
