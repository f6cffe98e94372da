import type { SiteDO } from '../durable-objects/site-do';
import type { RateLimiterDO } from '../durable-objects/rate-limiter-do';
import type { QueueMessageBody } from '../contract/events';

/** Bindings declared in wrangler.toml, plus secrets from `.dev.vars` / `wrangler secret`. */
export interface Env {
  DB: D1Database;
  ARCHIVE: R2Bucket;
  SITE_DO: DurableObjectNamespace<SiteDO>;
  /** static assets: the tracker scripts under /js/ */
  ASSETS: Fetcher;
  EVENTS_QUEUE: Queue<QueueMessageBody>;
  IP_LIMITER?: RateLimit;
  PULSE_ENV: string;
  RATE_LIMITER: DurableObjectNamespace<RateLimiterDO>;
  /** secret: JWK set, current ES256 private key first, older public keys after (workers/auth/signing-keys.ts) */
  PULSE_SIGNING_KEYS?: string;
  /** secret: bootstrap admin bearer token for the CLI */
  PULSE_ADMIN_TOKEN?: string;
  /** JWT `iss`; defaults to "pulse" */
  PULSE_ISSUER?: string;
}
