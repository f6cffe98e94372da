/** Per-key and sign-in rate limits, enforced by RateLimiterDO (one object per limited name). */
import type { Env } from '../env';
import { HttpError } from '../lib/http-error';

export const DEFAULT_KEY_RATE_LIMIT = 600; // requests per hour (issue 3)
const HOUR_MS = 3_600_000;

/** Failed sign-ins: 10 per email and 50 per client IP per 15 minutes. */
export const SIGN_IN_LIMITS = { perEmail: 10, perIp: 50, periodMs: 15 * 60_000 };

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

/**
 * Spends one sign-in attempt for the email and for the client IP before the password is checked,
 * so guessing is throttled whether the attacker tries many passwords or many accounts.
 * The IP is only a limiter name inside the object; it is never stored with the account.
 */
export async function limitSignIn(env: Env, email: string, ip: string | null): Promise<void> {
  const { perEmail, perIp, periodMs } = SIGN_IN_LIMITS;
  const checks = [limiter(env, `signin:${email}`).take(perEmail, periodMs)];
  if (ip) checks.push(limiter(env, `signin-ip:${ip}`).take(perIp, periodMs));
  const results = await Promise.all(checks);
  const denied = results.find((r) => !r.allowed);
  if (denied) throw tooMany(denied.retryAfter, 'too many sign-in attempts; try again later');
}

/** A correct password clears the email's failed attempts, so a user who mistypes is not locked out. */
export async function clearSignIn(env: Env, email: string): Promise<void> {
  await limiter(env, `signin:${email}`).reset();
}
