/**
 * From events the consumer has just written to D1 to webhook deliveries: one Queue message per
 * matching event and webhook, sent in batches. This runs in the events consumer, after the D1
 * write, never in the collector or the SiteDO, so a slow or failing receiver cannot slow
 * ingestion. For a site without webhooks it adds no row and no Queue operation (site-hooks.ts).
 */
import type { StoredEvent } from '../../../contract/events';
import type { Env } from '../../env';
import type { WebhookMessage } from './message';
import { goalsOf, wantsAlerts, wantsEvent } from './selectors';
import { siteHooks } from './site-hooks';

// Queues take at most 100 messages and 256 KB per sendBatch.
const BATCH_MESSAGES = 100;
const BATCH_BYTES = 200_000;

/** The JSON body of an event delivery (DESIGN §4b); `id` is the same for every attempt. */
export function eventPayload(site: string, deliveryId: string, event: StoredEvent, goals: string[]): string {
  return JSON.stringify({
    type: 'event',
    id: deliveryId,
    site,
    event: {
      name: event.name,
      url: `https://${event.hostname}${event.pathname}`,
      props: event.props,
      ...(event.revenue ? { revenue: event.revenue } : {}),
      ts: new Date(event.ts).toISOString(),
      goals,
      visitor: { country: event.country, device: event.device, source: event.source },
    },
  });
}

export async function sendWebhookMessages(env: Env, messages: WebhookMessage[]): Promise<void> {
  let batch: WebhookMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = message.body.length + 300;
    if (batch.length && (batch.length === BATCH_MESSAGES || bytes + size > BATCH_BYTES)) {
      await env.WEBHOOKS_QUEUE.sendBatch(batch.map((body) => ({ body, contentType: 'json' })));
      batch = [];
      bytes = 0;
    }
    batch.push(message);
    bytes += size;
  }
  if (batch.length) await env.WEBHOOKS_QUEUE.sendBatch(batch.map((body) => ({ body, contentType: 'json' })));
}

/** Deliveries for events just written (per site, as the consumer groups them). */
export async function fanOutEvents(env: Env, written: { site: string; events: StoredEvent[] }[]): Promise<number> {
  const messages: WebhookMessage[] = [];
  // one lookup per distinct site, side by side (a consumer call carries messages of many sites)
  const sites = [...new Set(written.map((w) => w.site))];
  const lookups = new Map(await Promise.all(sites.map(async (site) => [site, await siteHooks(env, site)] as const)));
  for (const { site, events } of written) {
    const { hooks, goals } = lookups.get(site)!;
    if (!hooks.length) continue;
    for (const event of events) {
      const completed = goals.length ? goalsOf(event, goals) : [];
      for (const hook of hooks) {
        if (!wantsEvent(hook.selectors, event, completed)) continue;
        // the same event reaching the consumer twice gets the same id: receivers deduplicate
        const deliveryId = `${hook.id}.${event.id}`;
        messages.push({ site, webhookId: hook.id, deliveryId, type: 'event', body: eventPayload(site, deliveryId, event, completed) });
      }
    }
  }
  await sendWebhookMessages(env, messages);
  return messages.length;
}

/**
 * An alert firing for every webhook of the site that selects alerts; `body` is the alert's own
 * payload (`{"type": "alert", …}`), `firingId` its stored id.
 */
export async function fanOutAlert(env: Env, site: string, firingId: string, body: Record<string, unknown>): Promise<number> {
  const { hooks } = await siteHooks(env, site);
  const messages = hooks
    .filter((hook) => wantsAlerts(hook.selectors))
    .map((hook): WebhookMessage => {
      const deliveryId = `${hook.id}.${firingId}`;
      return { site, webhookId: hook.id, deliveryId, type: 'alert', body: JSON.stringify({ ...body, id: deliveryId }) };
    });
  await sendWebhookMessages(env, messages);
  return messages.length;
}
