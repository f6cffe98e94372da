import type { SiteDO } from '../durable-objects/site-do';
import type { RateLimiterDO } from '../durable-objects/rate-limiter-do';
import type { QueueMessageBody } from '../contract/events';
import type { WebhookMessage } from './automation/webhooks/message';

/** Bindings declared in wrangler.toml, plus secrets from `.dev.vars` / `wrangler secret`. */
export interface Env {
  /** the primary D1 database: account-level tables, the site directory, and sites placed there */
  DB: D1Database;
  /** more D1 databases for site data; any `DB_<n>` binding is one (workers/lib/site-db.ts) */
  DB_2?: D1Database;
  DB_3?: D1Database;
  /** where new sites' data goes: a binding name or `least-full`; unset = `DB` */
  PULSE_D1_ASSIGN?: string;
  ARCHIVE: R2Bucket;
  SITE_DO: DurableObjectNamespace<SiteDO>;
  /** static assets: the tracker scripts under /js/ */
  ASSETS: Fetcher;
  EVENTS_QUEUE: Queue<QueueMessageBody>;
  /** signed webhook deliveries (workers/automation/webhooks/), consumed by this Worker too */
  WEBHOOKS_QUEUE: Queue<WebhookMessage>;
  /** `1` lets webhooks target loopback over http (`npm run dev`, tests); never set in production */
  PULSE_WEBHOOK_ALLOW_LOOPBACK?: string;
  /** seconds before the first webhook retry (default 30); each later retry waits 4× longer */
  PULSE_WEBHOOK_RETRY_BASE_SECONDS?: string;
  /** Cloudflare Email Service: alert and digest emails (`wrangler dev` simulates it) */
  SEND_EMAIL?: SendEmail;
  /** the From address of those emails; default pulse@localhost */
  PULSE_EMAIL_FROM?: string;
  /** where people reach this deployment (digest links, unsubscribe); default http://127.0.0.1:8787 */
  PULSE_PUBLIC_URL?: string;
  /** the dashboard's origin, for the links in digests; default PULSE_PUBLIC_URL */
  PULSE_DASHBOARD_URL?: string;
  IP_LIMITER?: RateLimit;
  PULSE_ENV: string;
  RATE_LIMITER: DurableObjectNamespace<RateLimiterDO>;
  /** secret: JWK set, current ES256 private key first, older public keys after (workers/auth/signing-keys.ts) */
  PULSE_SIGNING_KEYS?: string;
  /** comma-separated, case-insensitive emails of the signed-in users who are operators (auth/operator.ts) */
  PULSE_OPERATOR_EMAILS?: string;
  /** the Cloudflare account whose Queues' depth the status reads (workers/status/queue-depth.ts) */
  CF_ACCOUNT_ID?: string;
  /** secret: a Cloudflare API token with Account Analytics: Read and Queues: Read, for that depth */
  CF_API_TOKEN?: string;
  /** Cloudflare's API origin and path; default https://api.cloudflare.com/client/v4 (tests point it at a local server) */
  CF_API_BASE_URL?: string;
  /** secret: bootstrap admin bearer token for the CLI */
  PULSE_ADMIN_TOKEN?: string;
  /** JWT `iss`; defaults to "pulse" */
  PULSE_ISSUER?: string;
}
