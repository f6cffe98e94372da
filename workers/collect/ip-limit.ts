import type { Env } from '../env';
import { HttpError } from '../lib/http-error';

/**
 * Per-IP flood protection for anonymous events (DESIGN §3: 429 with Retry-After).
 *
 * The Rate Limiting binding is the shared, per-location count, but asking it costs a call per
 * event, and a real visitor sends a handful of events a minute. So each isolate counts locally
 * first and consults the binding only for addresses that are already busy here: under
 * LOCAL_FREE_PER_MINUTE events from one IP in this isolate's current minute, no call is made.
 * A flood concentrated on one isolate is refused by the binding's count from then on; one spread
 * thinly over many isolates is still counted by each isolate's busy addresses.
 */
const LOCAL_FREE_PER_MINUTE = 30;
const MAX_TRACKED = 50_000;

let minute = 0;
let counts = new Map<string, number>();

export async function enforceIpLimit(env: Env, ip: string, now = Date.now()): Promise<void> {
  const current = Math.floor(now / 60_000);
  if (current !== minute || counts.size > MAX_TRACKED) {
    minute = current;
    counts = new Map();
  }
  const seen = (counts.get(ip) ?? 0) + 1;
  counts.set(ip, seen);
  if (seen <= LOCAL_FREE_PER_MINUTE || !env.IP_LIMITER) return;
  const { success } = await env.IP_LIMITER.limit({ key: ip });
  if (!success) throw new HttpError(429, 'rate_limited', 'too many events from this address', { 'retry-after': '60' });
}
