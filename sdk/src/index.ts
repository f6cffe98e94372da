/**
 * `@pulse/sdk`: the Pulse tracker for bundlers, the same core as the script tag (`pulse.js`).
 * Opt-in features are separate entry points, so an app pays only for what it imports:
 * `@pulse/sdk/links`, `@pulse/sdk/persist`, `@pulse/sdk/vitals`, `@pulse/sdk/errors`;
 * the typed Stats API client is `@pulse/sdk/client`.
 */
import { sendViaGlobal } from './sink';
import { start } from './start';
import type { Config, EventOptions } from './types';

export type { Config, EventOptions, Payload, Props, Revenue, Track } from './types';

let started = false;

/**
 * Starts the tracker once: sends the pageview, follows SPA navigations, installs `window.pulse`
 * and sends the events tracked before. Later calls do nothing. Call it in the browser only.
 *
 * @example
 * import { init } from '@pulse/sdk';
 * init({ domain: 'example.com', api: 'https://pulse.example.com/api/event' });
 */
export function init(config: Config = {}): void {
  if (started) return;
  started = true;
  // the core reads flags with `dataset` semantics: present = on
  const options: Record<string, string> = { domain: config.domain || location.hostname, api: config.api || '/api/event' };
  if (config.hash) options.hash = '';
  if (config.allowLocalhost) options.allowLocalhost = '';
  start(options as Parameters<typeof start>[0]);
}

/**
 * Sends a custom event. Before `init()` the call waits in a queue and is sent at init.
 *
 * @example
 * import { track } from '@pulse/sdk';
 * track('Signup', { props: { plan: 'pro' }, revenue: { amount: 29, currency: 'EUR' } });
 */
export function track(name: string, options?: EventOptions): void {
  sendViaGlobal(name, options);
}

/**
 * Records a `404` event with the path that was not found; call it on your not-found page.
 *
 * @example
 * import { trackNotFound } from '@pulse/sdk';
 * trackNotFound();
 */
export function trackNotFound(): void {
  sendViaGlobal('404');
}
