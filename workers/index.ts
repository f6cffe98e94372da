import type { Env } from './env';
import type { QueueMessageBody } from '../contract/events';
import { router } from './router';
import { handleQueue } from './consumer/handle-queue';
import { runScheduled } from './cron/run-scheduled';

export { SiteDO } from '../durable-objects/site-do';
export { RateLimiterDO } from '../durable-objects/rate-limiter-do';

export default {
  fetch: (request, env, ctx) => router.fetch(request, env, ctx),
  queue: (batch, env, ctx) => handleQueue(batch, env, ctx),
  scheduled: (controller, env, ctx) => runScheduled(controller, env, ctx),
} satisfies ExportedHandler<Env, QueueMessageBody>;
