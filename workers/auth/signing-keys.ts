/**
 * The server's ES256 signing keys, from the `PULSE_SIGNING_KEYS` secret: a JWK set whose first
 * key with a private part (`d`) signs new tokens; the other keys are public keys of earlier
 * rotations, kept so tokens they signed keep verifying until they expire.
 *
 * Rotation: generate a new pair (`node scripts/generate-dev-vars.mjs --print-key`), put it first,
 * keep the old key's public half after it, `wrangler secret put PULSE_SIGNING_KEYS`.
 */
import { createLocalJWKSet, importJWK, type JSONWebKeySet, type JWK, type JWTVerifyGetKey } from 'jose';
import type { Env } from '../env';
import { HttpError } from '../lib/http-error';

export interface SigningKeys {
  /** kid + private key that signs new tokens */
  current: { kid: string; key: CryptoKey };
  /** public keys only: what `/.well-known/jwks.json` serves */
  publicJwks: JSONWebKeySet;
  /** verification key lookup by the token header's `kid` (and nothing else) */
  getKey: JWTVerifyGetKey;
}

// Parsing and importing keys costs a few ms; the secret is fixed for the isolate's lifetime.
let cached: { source: string; keys: Promise<SigningKeys> } | null = null;

export function getSigningKeys(env: Env): Promise<SigningKeys> {
  const source = env.PULSE_SIGNING_KEYS;
  if (!source) {
    throw new HttpError(503, 'not_configured', 'PULSE_SIGNING_KEYS is not set: run `npm run dev` or `npm run setup`');
  }
  if (cached?.source !== source) cached = { source, keys: loadKeys(source) };
  return cached.keys;
}

async function loadKeys(source: string): Promise<SigningKeys> {
  const set = JSON.parse(source) as JSONWebKeySet;
  const keys = set.keys ?? [];
  const signer = keys.find((k) => typeof (k as JWK).d === 'string');
  if (!signer?.kid) throw new Error('PULSE_SIGNING_KEYS has no private key with a kid');
  // Publish only the public members; the private scalar `d` must never leave the Worker.
  const publicKeys: JWK[] = keys.map(({ kty, crv, x, y, kid }) => ({ kty, crv, x, y, kid, alg: 'ES256', use: 'sig' }));
  const publicJwks = { keys: publicKeys } as JSONWebKeySet;
  const key = (await importJWK({ ...signer, alg: 'ES256' }, 'ES256')) as CryptoKey;
  return { current: { kid: signer.kid, key }, publicJwks, getKey: createLocalJWKSet(publicJwks) };
}

/** `GET /.well-known/jwks.json`: the public keys, cacheable for a few minutes. */
export async function getJwks(env: Env): Promise<Response> {
  const { publicJwks } = await getSigningKeys(env);
  return new Response(JSON.stringify(publicJwks), {
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=300' },
  });
}
