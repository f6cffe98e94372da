/** Per-key and sign-in rate limits, enforced by RateLimiterDO (one object per limited name). */
import type { Env } from '../env';
import { HttpError } from '../lib/http-error';

export const DEFAULT_KEY_RATE_LIMIT = 600; // requests per hour (issue 3)
const HOUR_MS = 3_600_000;

/**
 * Sign-in attempts per 15 minutes. Counting per email alone let anyone who knew an address lock
 * its owner out with ten wrong passwords, so:
 * - `perIpEmail`: one client guessing one account; the owner's own address has its own bucket;
 * - `perIp`: one client guessing many accounts;
 * - `perEmail`: every client together on one account, which bounds distributed guessing, but
 *   is not enforced for an address that signed in to this account within `knownMs`: an attacker
 *   spreading guesses over many addresses slows new devices down, never the owner's usual one.
 */
export const SIGN_IN_LIMITS = { perIpEmail: 10, perIp: 50, perEmail: 100, periodMs: 15 * 60_000, knownMs: 30 * 86_400_000 };

function limiter(env: Env, name: string) {
  return env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(name));
}

function tooMany(retryAfter: number, message: string): HttpError {
  return new HttpError(429, 'rate_limited', message, { 'retry-after': String(retryAfter) });
}

/** Spends one of the key's hourly requests, or throws 429 with Retry-After. */
export async function limitKey(env: Env, keyId: string, perHour = DEFAULT_KEY_RATE_LIMIT): Promise<void> {
  const result = await limiter(env, `key:${keyId}`).take(perHour, HOUR_MS);
  if (!result.allowed) throw tooMany(result.retryAfter, `rate limit of ${perHour} requests per hour exceeded for this key`);
}

/** Pair buckets are named by a digest, so no limiter name spells out an address next to an email. */
async function pairName(prefix: string, email: string, ip: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${email}\n${ip}`));
  return `${prefix}:${Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Spends one sign-in attempt for the (IP, email) pair, the IP and the email before the password
 * is checked, so guessing is throttled whether the attacker tries many passwords or many
 * accounts. A missing IP (local dev, tests) counts as one shared address.
 */
export async function limitSignIn(env: Env, email: string, ip: string | null): Promise<void> {
  const { perIpEmail, perIp, perEmail, periodMs, knownMs } = SIGN_IN_LIMITS;
  const address = ip ?? '';
  const [pair, known] = await Promise.all([pairName('signin-pair', email, address), pairName('signin-known', email, address)]);
  const [pairResult, emailResult, knownResult, ipResult] = await Promise.all([
    limiter(env, pair).take(perIpEmail, periodMs),
    limiter(env, `signin:${email}`).take(perEmail, periodMs),
    // cost 0 only reads the bucket: a success empties it (below), and it refills over knownMs
    limiter(env, known).take(1, knownMs, 0),
    ip ? limiter(env, `signin-ip:${ip}`).take(perIp, periodMs) : null,
  ]);
  const knownAddress = knownResult.remaining < 1;
  const denied = [pairResult, ipResult, knownAddress ? null : emailResult].find((r) => r && !r.allowed);
  if (denied) throw tooMany(denied.retryAfter, 'too many sign-in attempts; try again later');
}

/**
 * A correct password clears this address's failed attempts on the account (a user who mistypes
 * is not locked out) and marks the address as known to it for `knownMs`. The account-wide count
 * is left alone: the owner signing in must not reset an attacker's budget.
 */
export async function clearSignIn(env: Env, email: string, ip: string | null): Promise<void> {
  const address = ip ?? '';
  const [pair, known] = await Promise.all([pairName('signin-pair', email, address), pairName('signin-known', email, address)]);
  await Promise.all([limiter(env, pair).reset(), limiter(env, known).take(1, SIGN_IN_LIMITS.knownMs)]);
}

/**
 * Share-link password attempts per 15 minutes: `perIpLink` for one client guessing one link (a
 * right password empties it, so a mistype costs nothing later), `perLink` for every client
 * together, which bounds guessing spread over many addresses.
 */
export const SHARE_UNLOCK_LIMITS = { perIpLink: 10, perLink: 100, periodMs: 15 * 60_000 };

/** Spends one unlock attempt for the (link, IP) pair and the link before the password is checked. */
export async function limitShareUnlock(env: Env, shareId: string, ip: string | null): Promise<void> {
  const { perIpLink, perLink, periodMs } = SHARE_UNLOCK_LIMITS;
  const pair = await pairName('share-unlock-pair', shareId, ip ?? '');
  const [pairResult, linkResult] = await Promise.all([
    limiter(env, pair).take(perIpLink, periodMs),
    limiter(env, `share-unlock:${shareId}`).take(perLink, periodMs),
  ]);
  const denied = [pairResult, linkResult].find((r) => !r.allowed);
  if (denied) throw tooMany(denied.retryAfter, 'too many password attempts for this share link; try again later');
}

/** A right password clears this address's failed attempts on the link (the link-wide count stays). */
export async function clearShareUnlock(env: Env, shareId: string, ip: string | null): Promise<void> {
  await limiter(env, await pairName('share-unlock-pair', shareId, ip ?? '')).reset();
}
