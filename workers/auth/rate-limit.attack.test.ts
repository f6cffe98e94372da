/**
 * Issue 13, "sign-in lockout by anyone who knows an email": ten wrong passwords from anywhere
 * locked the owner out for 15 minutes. Limits are now per address and account, with an
 * account-wide cap that addresses the account signed in from before are not held to.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, makeSite, makeUser } from '../../test/helpers/api';
import { HttpError } from '../lib/http-error';
import { clearSignIn, limitSignIn } from './rate-limit';

// The documented limits (README), spelled out: the test must not follow the module if it drifts.
const PER_ADDRESS_AND_EMAIL = 10;
const PER_EMAIL = 100;

const signInFrom = (ip: string, email: string, password: string) =>
  call('/api/v1/auth/sign-in', { body: { email, password }, headers: { 'cf-connecting-ip': ip } });

async function refused(attempt: Promise<void>): Promise<number | null> {
  try {
    await attempt;
    return null;
  } catch (err) {
    if (err instanceof HttpError) return err.status;
    throw err;
  }
}

describe('sign-in limits', () => {
  it("an attacker's failures from another address do not lock the owner out", async () => {
    const site = await makeSite();
    const owner = await makeUser(site, 'owner');
    for (let i = 0; i < PER_ADDRESS_AND_EMAIL; i++) {
      expect((await signInFrom('203.0.113.66', owner.email, `guess-${i}-xxxxxxxx`)).status).toBe(401);
    }
    const attacker = await signInFrom('203.0.113.66', owner.email, owner.password);
    expect(attacker.status).toBe(429);
    expect(Number(attacker.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await signInFrom('198.51.100.7', owner.email, owner.password)).status).toBe(200);
  });

  it('bounds guessing spread over many addresses, except from an address the owner signed in from', async () => {
    const email = `spread-${crypto.randomUUID()}@x.example`;
    const home = '198.51.100.200';
    await limitSignIn(env, email, home);
    await clearSignIn(env, email, home);
    // One attempt each from many addresses: none trips a per-address limit, the account cap holds
    // (the owner's attempt above counted towards it too). The bucket refills one attempt every
    // 9 s, which a loaded machine may see during the loop.
    const started = Date.now();
    let allowed = 0;
    for (let i = 0; i < 2 * PER_EMAIL; i++) {
      if ((await refused(limitSignIn(env, email, `10.${(i >> 8) & 255}.${i & 255}.9`))) !== null) break;
      allowed += 1;
    }
    const refilled = Math.ceil((Date.now() - started) / ((15 * 60_000) / PER_EMAIL));
    expect(allowed).toBeGreaterThanOrEqual(PER_EMAIL - 1);
    expect(allowed).toBeLessThanOrEqual(PER_EMAIL - 1 + refilled);
    // The owner's known address still gets its own ten attempts.
    expect(await refused(limitSignIn(env, email, home))).toBeNull();
  });
});
