import { config } from './config';
import { admit } from './ignore';
import type { Payload, Props } from './types';

const queue: Payload[] = [];

/**
 * Builds an event in DESIGN §3's short keys and queues it, unless this browser is ignored;
 * returns the event when it was queued. Undefined keys vanish in JSON.stringify, so optional
 * fields cost nothing on the wire.
 *
 * Events queued in the same task are sent together right after it (one microtask later) as a
 * JSON array of at most 50: an SPA navigation's engagement + pageview, or a burst of custom
 * events, is one request. A microtask, unlike a timer, still runs while the page unloads.
 */
export function send(n: string, u: string, p?: Props, extra?: Partial<Payload>): Payload | undefined {
  const e: Payload = { n, u, d: config().domain, r: document.referrer || null, p, ...extra };
  if (admit(e)) {
    if (__PULSE_HASH__ ?? 'hash' in config()) e.h = 1;
    if (queue.push(e) < 2) queueMicrotask(flush);
    return e;
  }
}

function flush() {
  while (queue[0]) {
    const batch = queue.splice(0, 50);
    // one event goes as a plain object so any Plausible-compatible endpoint accepts it;
    // a string body is sent as text/plain, which needs no CORS preflight
    const body = JSON.stringify(batch[1] ? batch : batch[0]);
    try {
      // fetch when sendBeacon is missing (old browsers, some webviews) or refuses the body
      navigator.sendBeacon?.(config().api, body) || fetch(config().api, { method: 'POST', body, keepalive: true }).catch(noop);
    } catch {
      // why: an invalid endpoint URL throws; analytics must never raise an error on the page
    }
  }
}

// why: a failed send (endpoint down, offline, blocked) is dropped silently, never an unhandled rejection
export function noop() {}
