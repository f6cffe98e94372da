/**
 * The local webhook receiver (test/helpers/webhook-receiver.mjs, started by vitest.config.ts):
 * each test posts to its own box and reads back what arrived there, headers and raw body.
 */
import { env } from 'cloudflare:test';

export interface Received {
  headers: Record<string, string>;
  body: string;
}

let boxes = 0;
export const newBox = (label: string): string => `${label}-${Date.now().toString(36)}-${boxes++}`;
/** `query`: `?status=500` or `?fail_first=2` makes the receiver answer 500s (webhook-receiver.mjs). */
export const boxUrl = (box: string, query = ''): string => `${env.TEST_WEBHOOK_RECEIVER}/box/${box}${query}`;

/** What the box holds once it holds `atLeast` requests (or whatever it holds at the timeout). */
export async function received(box: string, atLeast: number, timeoutMs = 10_000): Promise<Received[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await (await fetch(boxUrl(box))).json<Received[]>();
    if (got.length >= atLeast || Date.now() > deadline) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The receiver's check of `Pulse-Signature` (README "Webhooks"): fresh, and the HMAC of `t.body` with the secret. */
export async function verifiesSignature(header: string, rawBody: string, secret: string): Promise<boolean> {
  const { t, v1 } = Object.fromEntries(header.split(',').map((kv) => kv.split('=') as [string, string]));
  if (Math.abs(Date.now() / 1000 - Number(t)) > 300) return false;
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const mac = Uint8Array.from((v1 ?? '').match(/../g) ?? [], (h) => parseInt(h, 16));
  return crypto.subtle.verify('HMAC', key, mac, new TextEncoder().encode(`${t}.${rawBody}`));
}
