/** Starts the local webhook receiver (webhook-receiver.mjs); resolves to its origin, `http://127.0.0.1:<port>`. */
export function startWebhookReceiver(): Promise<string>;
