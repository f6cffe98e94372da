/**
 * RateLimiterDO: one token bucket per name (`key:<api key id>`, `signin:<email>`, `signin-ip:<ip>`,
 * `share-unlock:<link id>`).
 *
 * Owns: the bucket's level and last refill time, in the object's SQLite-backed KV storage.
 * Promises: every isolate in every colo that asks about one name talks to this one object, so a
 * limit holds across isolates (an in-isolate counter would multiply the limit by the isolate count).
 * Calls are serialized by the object, so `take` never double-spends a token.
 */
import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../workers/env';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export interface TakeResult {
  allowed: boolean;
  /** tokens left after this call */
  remaining: number;
  /** seconds until one token is available again (0 when allowed) */
  retryAfter: number;
}

export class RateLimiterDO extends DurableObject<Env> {
  /**
   * Takes `cost` tokens from a bucket holding at most `limit` tokens that refills `limit` tokens
   * per `periodMs`. The limit travels with each call (it sits in the API key's claims), so a
   * change of limit needs no migration of state.
   */
  take(limit: number, periodMs: number, cost = 1): TakeResult {
    const now = Date.now();
    const ratePerMs = limit / periodMs;
    const stored = this.ctx.storage.kv.get<Bucket>('bucket');
    const level = stored ? Math.min(limit, stored.tokens + (now - stored.updatedAt) * ratePerMs) : limit;
    if (level >= cost) {
      this.ctx.storage.kv.put<Bucket>('bucket', { tokens: level - cost, updatedAt: now });
      return { allowed: true, remaining: Math.floor(level - cost), retryAfter: 0 };
    }
    this.ctx.storage.kv.put<Bucket>('bucket', { tokens: level, updatedAt: now });
    return { allowed: false, remaining: 0, retryAfter: Math.max(1, Math.ceil((cost - level) / ratePerMs / 1000)) };
  }

  /** Refills the bucket, e.g. after a successful sign-in clears the failed attempts. */
  reset(): void {
    this.ctx.storage.kv.delete('bucket');
  }
}
