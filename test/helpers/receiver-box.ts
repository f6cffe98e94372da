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
export const boxUrl = (box: string): string => `${env.TEST_WEBHOOK_RECEIVER}/box/${box}`;

/** What the box holds once it holds `atLeast` requests (or whatever it holds at the timeout). */
export async function received(box: string, atLeast: number, timeoutMs = 10_000): Promise<Received[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await (await fetch(boxUrl(box))).json<Received[]>();
    if (got.length >= atLeast || Date.now() > deadline) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
}
