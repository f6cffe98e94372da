/**
 * The persistent anonymous id (`pid`): an opt-in module, loaded only after the visitor
 * consented. Its presence in localStorage is the stored consent: the core reads it and sends
 * it as `pid` with every event, and never creates it. Without this module Pulse stores nothing.
 */

/**
 * Turns the persistent id on after consent (creates it once) or off (deletes it) when consent
 * is withdrawn. The script-tag module `pulse.persist.js` calls `setPersist(true)` when it loads
 * and installs itself as `pulse.persist`.
 *
 * @example
 * import { setPersist } from '@pulse/sdk/persist';
 * consentManager.on('change', (c) => setPersist(c.analytics));
 */
export function setPersist(on: boolean): void {
  try {
    // 96 random bits; getRandomValues also works on http pages, unlike crypto.randomUUID
    if (on) localStorage.pulse_pid ||= crypto.getRandomValues(new Uint32Array(3)).join('');
    else delete localStorage.pulse_pid;
  } catch {
    // why: without storage there is no persistent id; events are still sent, anonymously
  }
}
