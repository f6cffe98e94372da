/** What one message of the webhooks Queue carries: one payload for one webhook. */
export interface WebhookMessage {
  site: string;
  webhookId: string;
  /** the same for every attempt of this payload: sent as `Pulse-Delivery` so receivers deduplicate */
  deliveryId: string;
  type: 'event' | 'alert' | 'test';
  /** the exact JSON body that is signed and POSTed */
  body: string;
}

export const WEBHOOKS_QUEUE = 'pulse-webhooks';
export const WEBHOOKS_DLQ = 'pulse-webhooks-dlq';
