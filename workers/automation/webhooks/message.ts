/**
 * What one message of the webhooks Queue carries: one payload for one webhook, or for one alert
 * channel (`target`: a Slack incoming webhook or a plain URL of an alert's channels, which has no
 * secret of its own, so it is sent unsigned and is not in any webhook's delivery log).
 */
export interface WebhookMessage {
  site: string;
  /** the webhook's id; for a channel target, the alert's */
  webhookId: string;
  target?: { url: string };
  /** the same for every attempt of this payload: sent as `Pulse-Delivery` so receivers deduplicate */
  deliveryId: string;
  type: 'event' | 'alert' | 'report' | 'test';
  /** the exact JSON body that is signed and POSTed */
  body: string;
}

export const WEBHOOKS_QUEUE = 'pulse-webhooks';
export const WEBHOOKS_DLQ = 'pulse-webhooks-dlq';
