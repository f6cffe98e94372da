import type { SiteDO } from '../durable-objects/site-do';
import type { QueueMessageBody } from './lib/event-types';

/** Bindings declared in wrangler.toml, plus secrets from `.dev.vars` / `wrangler secret`. */
export interface Env {
  DB: D1Database;
  ARCHIVE: R2Bucket;
  SITE_DO: DurableObjectNamespace<SiteDO>;
  EVENTS_QUEUE: Queue<QueueMessageBody>;
  IP_LIMITER?: RateLimit;
  PULSE_ENV: string;
}
