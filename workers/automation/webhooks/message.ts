/**
 * What one message of the webhooks Queue carries: one payload for one webhook, or for one channel
 * of an alert or a report (`target`: a Slack incoming webhook or a plain URL). A plain webhook
 * channel is signed with its alert's (or digest's) secret; every attempt at an alert's channel is
 * in its send log (alerts/sends.ts), a digest's channels keep no log.
 */
export interface WebhookMessage {
  site: string;
  /** the webhook's id; for a channel target, the alert's */
  webhookId: string;
  target?: ChannelTarget;
  /** the same for every attempt of this payload: sent as `Pulse-Delivery` so receivers deduplicate */
  deliveryId: string;
  /** `ops`: an operations alert (workers/status/ops-alerts/), its `site` empty: it lives in the primary */
  type: 'event' | 'alert' | 'report' | 'test' | 'ops';
  /** the exact JSON body that is signed and POSTed */
  body: string;
}

export const WEBHOOKS_QUEUE = 'pulse-webhooks';
export const WEBHOOKS_DLQ = 'pulse-webhooks-dlq';

export interface ChannelTarget {
  url: string;
  /** which channel (older messages, queued before these fields, have neither) */
  kind?: 'slack' | 'webhook';
  /** its index in the owner's `channels`, and the notice's key (an alert's firing id) */
  channel?: number;
  key?: string;
}
