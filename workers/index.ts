import type { Env } from './env';
import type { QueueMessageBody } from '../contract/events';
import type { WebhookMessage } from './automation/webhooks/message';
import { router } from './router';
import { handleQueue } from './consumer/handle-queue';
import { handleWebhookQueue, isWebhookQueue } from './automation/webhooks/deliver';
import { runScheduled } from './cron/run-scheduled';
import { fetchStage, meterEnv } from './lib/usage-meter';

export { SiteDO } from '../durable-objects/site-do';
export { RateLimiterDO } from '../durable-objects/rate-limiter-do';

// Bindings are metered per stage (lib/usage-meter.ts, read by `npm run bench:cost`); the cron
// meters its own tasks apart.
export default {
  fetch: (request, env, ctx) => router.fetch(request, meterEnv(env, fetchStage(request)), ctx),
  queue: (batch, env, ctx) => (isWebhookQueue(batch.queue) ? handleWebhookQueue(batch, env) : handleQueue(batch, meterEnv(env, 'consumer'), ctx)),
  scheduled: (controller, env, ctx) => runScheduled(controller, env, ctx),
} satisfies ExportedHandler<Env, QueueMessageBody | WebhookMessage>;
